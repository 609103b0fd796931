import { createHash } from 'node:crypto';

/** One serialised answer: its bytes, a strong ETag of them, and its compressed forms, each made once. */
export type CachedAnswer = {
  /** What the answer was computed from: request URL, versions, whole second of the clock. */
  key: string;
  body: Buffer;
  /** Strong ETag: a hash of the exact bytes, so equal bytes revalidate and any change does not. */
  etag: string;
  /** Compressed bodies by content coding (`gzip`, `br`), filled on first request of each. */
  encoded: Map<string, Buffer>;
};

/**
 * The last answer per request URL, valid while its key (versions and second) still holds.
 * Bounded to `max` URLs, least recently used dropped first, so clients varying the query
 * string cannot grow it without bound. Hand-written: a Map in insertion order is an LRU in
 * a few lines, and no entry needs a timer (the key says when it is outdated).
 */
export class AnswerCache {
  private readonly byUrl = new Map<string, CachedAnswer>();

  constructor(private readonly max = 256) {}

  /** The answer stored for `url` if it was computed under `key`, else undefined. */
  get(url: string, key: string): CachedAnswer | undefined {
    const hit = this.byUrl.get(url);
    if (!hit || hit.key !== key) return undefined;
    this.byUrl.delete(url);
    this.byUrl.set(url, hit);
    return hit;
  }

  /** Stores `body` as the answer of `url` under `key` and returns it. */
  set(url: string, key: string, body: Buffer): CachedAnswer {
    const answer: CachedAnswer = { key, body, etag: etagOf(body), encoded: new Map() };
    this.byUrl.delete(url);
    this.byUrl.set(url, answer);
    if (this.byUrl.size > this.max) this.byUrl.delete(this.byUrl.keys().next().value as string);
    return answer;
  }

  get size(): number {
    return this.byUrl.size;
  }
}

/** `"<27 chars>"`: SHA-1 of the bytes, base64url (collision resistance is not at stake, only change detection). */
export const etagOf = (body: Buffer): string => `"${createHash('sha1').update(body).digest('base64url')}"`;

/**
 * Whether an `If-None-Match` header matches `etag` (RFC 9110 §13.1.2: `*`, or a list of
 * tags compared weakly, so `W/"x"` matches `"x"`).
 */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}
