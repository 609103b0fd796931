import { describe, expect, it } from 'vitest';
import { adminGuard, claimFor, sessionAdmin } from '../../../src/auth/admin.js';
import { SessionSigner } from '../../../src/auth/session.js';
import { parseTokens } from '../../../src/trpc/tokens.js';

const tokens = parseTokens('ingest:poller=p,admin:alice=a@Finance,admin:root=r');
const sessions = new SessionSigner('secret', false);
const guard = adminGuard({ tokens, sessions });
const req = (over: { authorization?: string; cookie?: string }) => ({
  authorization: undefined,
  cookie: undefined,
  idempotencyKey: undefined,
  ...over,
});
const code = (fn: () => unknown) => {
  try {
    fn();
    return 'passed';
  } catch (err) {
    return (err as { code: string }).code;
  }
};

describe('adminGuard', () => {
  it('answers who a bearer admin token is, with its tenants', () => {
    expect(guard(req({ authorization: 'Bearer a' }))).toEqual({
      label: 'alice',
      tenants: new Set(['Finance']),
      role: 'admin',
    });
    expect(guard(req({ authorization: 'Bearer r' })).tenants).toBeNull();
  });

  it('refuses no token and an unknown one with UNAUTHORIZED, an ingest token with FORBIDDEN', () => {
    expect(code(() => guard(req({})))).toBe('UNAUTHORIZED');
    expect(code(() => guard(req({ authorization: 'Bearer nope' })))).toBe('UNAUTHORIZED');
    expect(code(() => guard(req({ authorization: 'Bearer p' })))).toBe('FORBIDDEN');
  });

  it('accepts an admin session while its token is still configured, unchanged', () => {
    const alice = tokens.find((t) => t.label === 'alice');
    if (!alice) throw new Error('no alice');
    const cookie = sessions.issue(Date.now(), claimFor(alice)).split(';')[0];
    expect(guard(req({ cookie })).label).toBe('alice');
    // The token rotated (same name, another secret) or removed: the session no longer counts.
    expect(sessionAdmin(parseTokens('admin:alice=rotated@Finance'), claimFor(alice))).toBeNull();
    expect(sessionAdmin(parseTokens('admin:bob=a'), claimFor(alice))).toBeNull();
    expect(sessionAdmin(parseTokens('ingest:alice=a'), claimFor(alice))).toBeNull();
    // A reader's session is no admin's.
    expect(code(() => guard(req({ cookie: sessions.issue().split(';')[0] })))).toBe('UNAUTHORIZED');
  });

  it('is open (admin "open" of every tenant) when no tokens are configured, as ingest is', () => {
    expect(adminGuard({ tokens: [], sessions })(req({}))).toEqual({ label: 'open', tenants: null, role: 'admin' });
  });
});
