import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Name of the dashboard's session cookie (HttpOnly, SameSite=Strict, 12 h). */
export const SESSION_COOKIE = 'sla_session';
const MAX_AGE_S = 12 * 60 * 60;

/**
 * Dashboard sessions when READ_TOKEN is set: the read token is exchanged once for an
 * HttpOnly cookie `<expiry>.<hmac>` signed with SESSION_SECRET, so the token itself never
 * sits in the browser. Without SESSION_SECRET (development only) a per-process secret is
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

  issue(now = Date.now()): string {
    const exp = now + MAX_AGE_S * 1000;
    const value = `${exp}.${this.sign(String(exp))}`;
    return `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${MAX_AGE_S}${this.secure ? '; Secure' : ''}`;
  }

  clear(): string {
    return `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`;
  }

  verify(cookieHeader: string | undefined, now = Date.now()): boolean {
    const value = cookieHeader
      ?.split(';')
      .map((c) => c.trim())
      .find((c) => c.startsWith(`${SESSION_COOKIE}=`))
      ?.slice(SESSION_COOKIE.length + 1);
    const [exp, sig] = value?.split('.') ?? [];
    if (!exp || !sig || Number(exp) < now) return false;
    const expected = Buffer.from(this.sign(exp));
    const given = Buffer.from(sig);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }
}
