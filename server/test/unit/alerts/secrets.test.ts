import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSecretKey, SECRET_KEY_FILE, secretBox } from '../../../src/alerts/secrets.js';

const KEY = Buffer.alloc(32, 7);
const OTHER = Buffer.alloc(32, 9);
const SECRET = 'whsec-do-not-leak-8c1f';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'alert-key-'));
  dirs.push(d);
  return d;
};

describe('channel secrets at rest', () => {
  it('round-trips through the v1:<iv>:<tag>:<ciphertext> form, which never holds the plain text', () => {
    const box = secretBox(KEY);
    const sealed = box.seal(SECRET, 'alert-channel:Acme');
    expect(sealed).toMatch(/^v1:[A-Za-z0-9+/]{16}:[A-Za-z0-9+/]{22}==:[A-Za-z0-9+/=]+$/);
    expect(sealed).not.toContain(SECRET);
    expect(sealed).not.toContain(Buffer.from(SECRET).toString('base64'));
    expect(box.open(sealed, 'alert-channel:Acme')).toBe(SECRET);
    // A fresh IV per value: the same secret never seals to the same text.
    expect(box.seal(SECRET, 'alert-channel:Acme')).not.toBe(sealed);
  });

  it('refuses another key, another context or an altered value, without quoting the secret', () => {
    const sealed = secretBox(KEY).seal(SECRET, 'alert-channel:Acme');
    const [v, iv, tag, body] = sealed.split(':') as [string, string, string, string];
    const flipped = Buffer.from(body, 'base64');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    const attempts = [
      () => secretBox(OTHER).open(sealed, 'alert-channel:Acme'),
      () => secretBox(KEY).open(sealed, 'alert-channel:Globex'),
      () => secretBox(KEY).open([v, iv, tag, flipped.toString('base64')].join(':'), 'alert-channel:Acme'),
      () => secretBox(KEY).open(`v2:${iv}:${tag}:${body}`, 'alert-channel:Acme'),
    ];
    for (const attempt of attempts) {
      let message = '';
      try {
        attempt();
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/stored channel secret/);
      expect(message).not.toContain(SECRET);
    }
  });

  it('takes the key from ALERT_SECRET_KEY', async () => {
    const key = await loadSecretKey({
      ALERT_SECRET_KEY: OTHER.toString('base64'),
      DATA_DIR: '/nonexistent',
      embedded: true,
    });
    expect(key?.equals(OTHER)).toBe(true);
  });

  it('without ALERT_SECRET_KEY on the embedded database: creates a 0600 key file once and reuses it', async () => {
    const dir = join(tempDir(), 'data');
    const first = await loadSecretKey({ DATA_DIR: dir, embedded: true });
    const second = await loadSecretKey({ DATA_DIR: dir, embedded: true });
    expect(first?.length).toBe(32);
    expect(second?.equals(first as Buffer)).toBe(true);
    const file = join(dir, SECRET_KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64').equals(first as Buffer)).toBe(true);
  });

  it('concurrent first uses agree on one key', async () => {
    const dir = tempDir();
    const keys = await Promise.all([1, 2, 3, 4].map(() => loadSecretKey({ DATA_DIR: dir, embedded: true })));
    for (const k of keys) expect(k?.equals(keys[0] as Buffer)).toBe(true);
  });

  it('without ALERT_SECRET_KEY on PostgreSQL: no key (pods must share one)', async () => {
    expect(await loadSecretKey({ DATA_DIR: tempDir(), embedded: false })).toBeNull();
  });
});
