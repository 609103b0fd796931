import { describe, expect, it } from 'vitest';
import { SESSION_COOKIE, SessionSigner } from '../../../src/auth/session.js';
import { T0 } from '../fixtures.js';

const HOUR = 3_600_000;
/** The `name=value` part of a Set-Cookie header, as a browser sends it back. */
const cookieOf = (setCookie: string) => setCookie.split(';')[0] as string;

describe('SessionSigner', () => {
  it('issues an HttpOnly, SameSite=Strict cookie for 12 hours that it then accepts', () => {
    const signer = new SessionSigner('a-long-session-secret', false);
    const set = signer.issue(T0);
    expect(set).toMatch(
      new RegExp(`^${SESSION_COOKIE}=\\d+\\.[\\w-]+; HttpOnly; SameSite=Strict; Path=/; Max-Age=43200$`),
    );
    expect(signer.verify(cookieOf(set), T0)).toBe(true);
    expect(new SessionSigner('a-long-session-secret', true).issue(T0)).toMatch(/; Secure$/);
  });

  it('accepts a session until its expiry and refuses it after', () => {
    const signer = new SessionSigner('secret', false);
    const cookie = cookieOf(signer.issue(T0));
    expect(signer.verify(cookie, T0 + 12 * HOUR)).toBe(true);
    expect(signer.verify(cookie, T0 + 12 * HOUR + 1)).toBe(false);
  });

  it('refuses a cookie whose expiry or signature was changed', () => {
    const signer = new SessionSigner('secret', false);
    const cookie = cookieOf(signer.issue(T0));
    const [name, value] = cookie.split('=') as [string, string];
    const [exp, sig] = value.split('.') as [string, string];
    expect(signer.verify(`${name}=${Number(exp) + 86_400_000}.${sig}`, T0)).toBe(false);
    const flipped = `${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`;
    expect(signer.verify(`${name}=${exp}.${flipped}`, T0)).toBe(false);
    expect(signer.verify(`${name}=${exp}.${sig}x`, T0)).toBe(false);
    expect(signer.verify(`${name}=${exp}`, T0)).toBe(false);
    expect(signer.verify(`${name}=.${sig}`, T0)).toBe(false);
  });

  it('refuses a cookie signed with another secret (another deployment, or a restart without SESSION_SECRET)', () => {
    const cookie = cookieOf(new SessionSigner('secret-a', false).issue(T0));
    expect(new SessionSigner('secret-b', false).verify(cookie, T0)).toBe(false);
    expect(new SessionSigner(undefined, false).verify(cookie, T0)).toBe(false);
    const ephemeral = new SessionSigner(undefined, false);
    expect(ephemeral.verify(cookieOf(ephemeral.issue(T0)), T0)).toBe(true);
    expect(new SessionSigner(undefined, false).verify(cookieOf(ephemeral.issue(T0)), T0)).toBe(false);
  });

  it('finds its cookie among others in a Cookie header, and nothing in a missing or foreign one', () => {
    const signer = new SessionSigner('secret', false);
    const cookie = cookieOf(signer.issue(T0));
    expect(signer.verify(`theme=dark; ${cookie}; x_${SESSION_COOKIE}=1`, T0)).toBe(true);
    expect(signer.verify(`theme=dark;${cookie}`, T0)).toBe(true);
    expect(signer.verify(`x_${cookie}`, T0)).toBe(false);
    expect(signer.verify('theme=dark', T0)).toBe(false);
    expect(signer.verify('', T0)).toBe(false);
    expect(signer.verify(undefined, T0)).toBe(false);
  });

  it('clears the session with an expired cookie of the same name and path', () => {
    const clear = new SessionSigner('secret', false).clear();
    expect(clear).toBe(`${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`);
    expect(new SessionSigner('secret', false).verify(cookieOf(clear), T0)).toBe(false);
  });
});

describe('admin sessions', () => {
  it('carry the admin claim signed, and readers’ sessions carry none', () => {
    const signer = new SessionSigner('secret', false);
    const admin = cookieOf(signer.issue(T0, { name: 'alice', key: 'k1' }));
    expect(signer.read(admin, T0)).toEqual({ admin: { name: 'alice', key: 'k1' } });
    expect(signer.read(cookieOf(signer.issue(T0)), T0)).toEqual({ admin: null });
    expect(signer.verify(admin, T0)).toBe(true);
  });

  it('refuses a claim that was changed (another name) or moved onto a reader’s signature', () => {
    const signer = new SessionSigner('secret', false);
    const [name, value] = cookieOf(signer.issue(T0, { name: 'alice', key: 'k1' })).split('=') as [string, string];
    const [exp, , sig] = value.split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ n: 'root', k: 'k1' })).toString('base64url');
    expect(signer.read(`${name}=${exp}.${forged}.${sig}`, T0)).toBeNull();
    const reader = cookieOf(signer.issue(T0)).split('.')[1] as string;
    expect(signer.read(`${name}=${exp}.${forged}.${reader}`, T0)).toBeNull();
    expect(signer.read(`${name}=${exp}.a.b.${sig}`, T0)).toBeNull();
  });
});
