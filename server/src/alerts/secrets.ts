import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../platform/errors.js';

/**
 * Channel secrets at rest (webhook HMAC secrets, Slack bot tokens, Slack incoming-webhook
 * URLs): AES-256-GCM from node:crypto, a fresh 96-bit IV per value (NIST SP 800-38D's
 * recommended IV length), stored as `v1:<iv b64>:<tag b64>:<ciphertext b64>`. An optional
 * context (e.g. the channel's tenant and name) is bound as additional authenticated data,
 * so a sealed value copied onto another channel does not open.
 */

const VERSION = 'v1';
const IV_BYTES = 12;
/** Name of the key file created in DATA_DIR when `ALERT_SECRET_KEY` is unset on the embedded database. */
export const SECRET_KEY_FILE = 'alert-secret.key';

/** Seals and opens channel secrets with one key. */
export type SecretBox = {
  /** `plain` encrypted in the stored form; `context` must be given again to open it. */
  seal(plain: string, context?: string): string;
  /** @throws Error (message without any secret) when the value is malformed, altered, or sealed with another key or context. */
  open(sealed: string, context?: string): string;
};

/** A `SecretBox` over a 32-byte key. @throws Error when the key is not 32 bytes. */
export function secretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('an alert secret key must be 32 bytes');
  return {
    seal(plain, context = '') {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(
        ':',
      );
    },
    open(sealed, context = '') {
      const [version, iv, tag, body, extra] = sealed.split(':');
      if (version !== VERSION || iv === undefined || tag === undefined || body === undefined || extra !== undefined)
        throw new Error('a stored channel secret is not in the v1 form');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'))
          .setAAD(Buffer.from(context, 'utf8'))
          .setAuthTag(Buffer.from(tag, 'base64'));
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
      } catch {
        // node:crypto's own message ("Unsupported state or unable to authenticate data") says nothing useful.
        throw new Error('a stored channel secret does not open: sealed with another ALERT_SECRET_KEY, or altered');
      }
    },
  };
}

/** The configuration the key comes from. */
export type SecretKeyConfig = { ALERT_SECRET_KEY?: string | undefined; DATA_DIR: string; embedded: boolean };

/**
 * The key that seals channel secrets: `ALERT_SECRET_KEY` (base64 of 32 bytes, checked by the
 * configuration at start); else, on the embedded database (one process per DATA_DIR, so one
 * key), `DATA_DIR/alert-secret.key`, created with mode 0600 on first use; else null: pods
 * sharing PostgreSQL must share a key, which only the environment can give them.
 * @throws Error naming the key file when it exists but holds no 32-byte base64 key.
 */
export async function loadSecretKey(config: SecretKeyConfig): Promise<Buffer | null> {
  if (config.ALERT_SECRET_KEY) return Buffer.from(config.ALERT_SECRET_KEY, 'base64');
  if (!config.embedded) return null;
  const path = join(config.DATA_DIR, SECRET_KEY_FILE);
  await mkdir(config.DATA_DIR, { recursive: true });
  const fresh = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(fresh, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    // link() fails when the file exists, so a key written earlier is never replaced and
    // a reader never sees a half-written one.
    await link(fresh, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await unlink(fresh);
  }
  const key = Buffer.from((await readFile(path, 'utf8')).trim(), 'base64');
  if (key.length !== 32) throw new Error(`${path} does not hold the base64 of a 32-byte key; remove it to start over`);
  return key;
}

/**
 * The box for channel writes, or a 400 naming `ALERT_SECRET_KEY` when there is no key and
 * the channel has something to seal (`field` names what, e.g. `secret`).
 * @throws AppError BAD_INPUT.
 */
export function requireSecretBox(box: SecretBox | null, field: string): SecretBox {
  if (box) return box;
  throw new AppError(
    'BAD_INPUT',
    `${field}: cannot be stored: ALERT_SECRET_KEY is not set (base64 of 32 bytes, the same on every pod), and channel secrets are only stored encrypted`,
  );
}
