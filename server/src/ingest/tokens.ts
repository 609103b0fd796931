import { createHash, timingSafeEqual } from 'node:crypto';

/** One INGEST_TOKENS entry: the token's SHA-256 and the tenants it may write (null = all). */
export type TokenEntry = { hash: Buffer; tenants: Set<string> | null; label: string };

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/**
 * Parses INGEST_TOKENS: comma-separated entries `<token>` or `sha256:<64 hex>`, each
 * optionally followed by `@Tenant A|Tenant B` to restrict it to those tenants. Tokens are
 * kept only as hashes, so plain and hashed entries are compared the same way. Labels are
 * `token#<n>` (1-based). Throws Error naming the entry for an empty token or a malformed hash.
 */
export function parseIngestTokens(value: string | undefined): TokenEntry[] {
  if (!value) return [];
  return value
    .split(',')
    .map((raw) => raw.trim())
    .filter(Boolean)
    .map((entry, i) => {
      const at = entry.indexOf('@');
      const secret = at >= 0 ? entry.slice(0, at) : entry;
      const tenants =
        at >= 0
          ? new Set(
              entry
                .slice(at + 1)
                .split('|')
                .map((t) => t.trim())
                .filter(Boolean),
            )
          : null;
      const hashed = /^sha256:([0-9a-fA-F]{64})$/.exec(secret);
      if (secret.startsWith('sha256:') && !hashed)
        throw new Error(`INGEST_TOKENS: entry ${i + 1} has a malformed sha256: hash (expected 64 hex digits)`);
      if (!secret) throw new Error(`INGEST_TOKENS: entry ${i + 1} has no token`);
      return { hash: hashed?.[1] ? Buffer.from(hashed[1], 'hex') : sha256(secret), tenants, label: `token#${i + 1}` };
    });
}

/** The entry a bearer token matches, or null. */
export function matchToken(entries: readonly TokenEntry[], bearer: string): TokenEntry | null {
  const h = sha256(bearer);
  for (const e of entries) if (timingSafeEqual(e.hash, h)) return e;
  return null;
}
