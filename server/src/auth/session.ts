import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** An admin's session: the token's name and a fingerprint of its hash (a rotated token ends its sessions). */
export type AdminClaim = { name: string; key: string };
/** A verified session: a reader's (`admin` null) or an admin's. */
export type Session = { admin: AdminClaim | null };

/** Name of the dashboard's session cookie (HttpOnly, SameSite=Strict, 12 h). */
export const SESSION_COOKIE = 'sla_session';
const MAX_AGE_S = 12 * 60 * 60;

/**
 * Dashboard sessions: the read token (READ_TOKEN) or an admin token is exchanged once for an
 * HttpOnly cookie signed with SESSION_SECRET, so the token itself never sits in the browser:
 * `<expiry>.<hmac>` for a reader, `<expiry>.<claim>.<hmac>` for an admin (`claim`: base64url
 * JSON of the admin's name and token fingerprint, checked against INGEST_TOKENS on every use). Without SESSION_SECRET (development only) a per-process secret is
 * used and sessions end with the process.
 */
export class SessionSigner {
  private readonly secret: Buffer;

  constructor(
    secret: string | undefined,
    private readonly secure: boolean,
  ) {
    this.secret = secret ? Buffer.from(secret) : randomBytes(32);
  }

  /** The Set-Cookie header of a new session (an admin's when `admin` is given). */
  issue(now = Date.now(), admin?: AdminClaim): string {
    const exp = now + MAX_AGE_S * 1000;
    const payload = admin
      ? `${exp}.${Buffer.from(JSON.stringify({ n: admin.name, k: admin.key })).toString('base64url')}`
      : String(exp);
    const value = `${payload}.${this.sign(payload)}`;
    return `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${MAX_AGE_S}${this.secure ? '; Secure' : ''}`;
  }

  clear(): string {
    return `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`;
  }

  /** Whether the Cookie header carries a valid, unexpired session (a reader's or an admin's). */
  verify(cookieHeader: string | undefined, now = Date.now()): boolean {
    return this.read(cookieHeader, now) !== null;
  }

  /** The session the Cookie header carries, or null (none, expired, or not signed by this secret). */
  read(cookieHeader: string | undefined, now = Date.now()): Session | null {
    const value = cookieHeader
      ?.split(';')
      .map((c) => c.trim())
      .find((c) => c.startsWith(`${SESSION_COOKIE}=`))
      ?.slice(SESSION_COOKIE.length + 1);
    const parts = value?.split('.') ?? [];
    if (parts.length !== 2 && parts.length !== 3) return null;
    const exp = parts[0];
    const sig = parts[parts.length - 1];
    if (!exp || !sig || Number(exp) < now) return null;
    const payload = parts.slice(0, -1).join('.');
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    return { admin: parts.length === 3 ? claimOf(parts[1] as string) : null };
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }
}

/** The admin claim of a signed cookie (already verified, so malformed means none). */
function claimOf(encoded: string): AdminClaim | null {
  try {
    const c = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as { n?: unknown; k?: unknown };
    return typeof c.n === 'string' && typeof c.k === 'string' ? { name: c.n, key: c.k } : null;
  } catch {
    return null;
  }
}
