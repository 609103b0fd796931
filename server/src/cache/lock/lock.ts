import { randomBytes } from 'node:crypto';

/**
 * The full-refresh lock: one holder across all pods, a safety timeout, and a fencing
 * number per acquisition (the refresh's generation) that only ever grows.
 */
export type RefreshLock = {
  /** Null when someone else holds it. */
  acquire(ttlMs: number): Promise<{ token: string; fence: number } | null>;
  /** Extends the timeout; false when the lock is no longer this token's. */
  renew(token: string, ttlMs: number): Promise<boolean>;
  /** False when the lock is no longer this token's (nothing is deleted then). */
  release(token: string): Promise<boolean>;
  /** Pod id of the current holder, or null when free. */
  holder(): Promise<string | null>;
};

/** A fresh lock token, `<podId>:<24 hex chars>`: unguessable, and names its holder for status. */
export const newToken = (podId: string) => `${podId}:${randomBytes(12).toString('hex')}`;
/** The pod id inside a token from `newToken` (everything before the last `:`); null for no token. */
export const podOf = (token: string | null) => (token === null ? null : token.slice(0, token.lastIndexOf(':')));
