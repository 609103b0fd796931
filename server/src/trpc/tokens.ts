import { createHash, timingSafeEqual } from 'node:crypto';

/** What a token may do: `ingest` pushes results; `admin` also changes windows and settings of its tenants. */
export type TokenRole = 'ingest' | 'admin';

/**
 * One INGEST_TOKENS entry: the token's SHA-256, its name (`label`: the name given, else
 * `token#<n>`), its role and the tenants it may act for (null = all).
 */
export type TokenEntry = { hash: Buffer; tenants: ReadonlySet<string> | null; label: string; role: TokenRole };

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/** `ingest:<name>=…` / `admin:<name>=…`; a name is what the audit log and change sources show. */
const NAMED = /^(ingest|admin):([^=]*)=(.*)$/s;
/** Names fit the change log's `source` (64) with ` (replace)` appended, and never look like `token#n`. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,47}$/;

/**
 * Parses INGEST_TOKENS: comma-separated entries, each one of
 * - `<secret>[@T1|T2]`: an ingest token labelled `token#<n>` (n = its 1-based position);
 * - `ingest:<name>=<secret>[@T1|T2]`: an ingest token named `<name>`;
 * - `admin:<name>=<secret>@T1|T2`: admin of those tenants (and ingest for them);
 * - `admin:<name>=<secret>`: admin of every tenant.
 * `<secret>` is the token itself or `sha256:<64 hex>` of it; `@…` restricts the entry to the
 * `|`-separated tenants (trimmed). Tokens are kept only as hashes, so plain and hashed entries
 * compare the same way. Names are 1–48 of `A-Z a-z 0-9 _ . -`, unique.
 * @throws Error naming the entry (position and, when named, its name) for an empty token,
 *   a malformed hash, or a bad or repeated name.
 */
export function parseTokens(value: string | undefined): TokenEntry[] {
  if (!value) return [];
  const seen = new Set<string>();
  return value
    .split(',')
    .map((raw) => raw.trim())
    .filter(Boolean)
    .map((entry, i) => {
      const named = NAMED.exec(entry);
      const role: TokenRole = named ? (named[1] as TokenRole) : 'ingest';
      const name = named?.[2]?.trim();
      const where = `INGEST_TOKENS: entry ${i + 1}${name ? ` (${name})` : ''}`;
      if (named && !NAME.test(name ?? ''))
        throw new Error(
          `${where} has a bad name: use 1-48 letters, digits, "_", "." or "-", starting with a letter or digit`,
        );
      if (name && seen.has(name)) throw new Error(`${where} repeats the name "${name}": token names must be unique`);
      if (name) seen.add(name);
      const rest = named ? (named[3] ?? '') : entry;
      const at = rest.indexOf('@');
      const secret = (at >= 0 ? rest.slice(0, at) : rest).trim();
      const tenants = at >= 0 ? tenantList(rest.slice(at + 1)) : null;
      const hashed = /^sha256:([0-9a-fA-F]{64})$/.exec(secret);
      if (secret.startsWith('sha256:') && !hashed)
        throw new Error(`${where} has a malformed sha256: hash (expected 64 hex digits)`);
      if (!secret) throw new Error(`${where} has no token`);
      return {
        hash: hashed?.[1] ? Buffer.from(hashed[1], 'hex') : sha256(secret),
        tenants,
        label: name ?? `token#${i + 1}`,
        role,
      };
    });
}

/** `T1|T2` as a set, trimmed; empty (`tok@`) is kept as it always was: a token for no tenant. */
const tenantList = (raw: string): Set<string> =>
  new Set(
    raw
      .split('|')
      .map((t) => t.trim())
      .filter(Boolean),
  );

/** The entry a bearer token matches (compared by hash, in constant time per entry), or null. */
export function matchToken(entries: readonly TokenEntry[], bearer: string): TokenEntry | null {
  const h = sha256(bearer);
  for (const e of entries) if (timingSafeEqual(e.hash, h)) return e;
  return null;
}

/** The admin entry called `name`, or null (a session names its admin; the entry may since be gone). */
export const adminNamed = (entries: readonly TokenEntry[], name: string): TokenEntry | null =>
  entries.find((e) => e.role === 'admin' && e.label === name) ?? null;
