import { createHash } from 'node:crypto';
import { AppError } from '../platform/errors.js';
import { bearerOf } from '../trpc/bearer.js';
import type { Admin, RequestAuth } from '../trpc/context.js';
import { adminNamed, matchToken, type TokenEntry } from '../trpc/tokens.js';
import type { AdminClaim, SessionSigner } from './session.js';

/** What admin checks read: the parsed INGEST_TOKENS and the session signer. */
export type AdminSource = { tokens: readonly TokenEntry[]; sessions: SessionSigner };

/** A fingerprint of a token's hash for its sessions: rotating the token (same name) ends them. */
export const tokenKey = (e: TokenEntry): string => createHash('sha256').update(e.hash).digest('base64url').slice(0, 22);

/** The session claim of an admin entry. */
export const claimFor = (e: TokenEntry): AdminClaim => ({ name: e.label, key: tokenKey(e) });

const asAdmin = (e: TokenEntry): Admin => ({ label: e.label, tenants: e.tenants, role: 'admin' });

/**
 * The admin a session claim still names: its entry must exist, be an admin and hold the same
 * token; the tenants are the entry's current ones (a narrowed entry narrows its sessions).
 */
export function sessionAdmin(tokens: readonly TokenEntry[], claim: AdminClaim | null): Admin | null {
  if (!claim) return null;
  const entry = adminNamed(tokens, claim.name);
  return entry && tokenKey(entry) === claim.key ? asAdmin(entry) : null;
}

/**
 * The check behind `adminProcedure`: a bearer admin token, else an admin session cookie.
 * Without any INGEST_TOKENS (development only: production requires them) everyone is the
 * admin "open" of every tenant, as ingest is open then.
 * @throws AppError UNAUTHORIZED without a token or admin session, or for an unknown token;
 *   FORBIDDEN for an ingest token.
 */
export function adminGuard(d: AdminSource): (req: RequestAuth) => Admin {
  return (req) => {
    if (d.tokens.length === 0) return { label: 'open', tenants: null, role: 'admin' };
    const bearer = bearerOf(req.authorization);
    if (bearer) {
      const entry = matchToken(d.tokens, bearer);
      if (!entry) throw new AppError('UNAUTHORIZED', 'Unknown token: changes need an admin token from INGEST_TOKENS');
      if (entry.role !== 'admin')
        throw new AppError('FORBIDDEN', `Token "${entry.label}" is an ingest token: changes need an admin token`);
      return asAdmin(entry);
    }
    const admin = sessionAdmin(d.tokens, d.sessions.read(req.cookie)?.admin ?? null);
    if (admin) return admin;
    throw new AppError(
      'UNAUTHORIZED',
      'Changes need an admin: send "Authorization: Bearer <admin token>" or sign in with an admin token',
    );
  };
}
