import { createHash } from 'node:crypto';
import type { Plan } from './hot-plan.js';

/** One serialised answer: its bytes, a strong ETag of them, and its compressed forms, each made once. */
export type CachedAnswer = {
  /** What the URL asks for (procedures, inputs, wire format): a URL's plan never changes. */
  plan: Plan;
  /** What the answer was computed under: the whole second of the clock (Unix seconds)… */
  second: number;
  /** …and the read version of each call of the plan, in order. */
  versions: string[];
  body: Buffer;
  /** Strong ETag: a hash of the exact bytes, so equal bytes revalidate and any change does not. */
  etag: string;
  /** Compressed bodies by content coding (`gzip`, `br`), filled on first request of each. */
  encoded: Map<string, Buffer>;
  /** Every header field of a response from the cache, by variant (http/hot-hits.ts), built on first use. */
  heads: Map<string, string[]>;
};

/** Whether `answer` was computed under this second and these read versions. */
export function isCurrent(answer: CachedAnswer, second: number, versions: readonly (string | null)[]): boolean {
  if (answer.second !== second || answer.versions.length !== versions.length) return false;
  for (let i = 0; i < versions.length; i++) if (answer.versions[i] !== versions[i]) return false;
  return true;
}

/**
 * The last answer per request URL. Bounded to `max` URLs, the one stored longest ago dropped
 * first, so clients varying the query string cannot grow it without bound. A hit does not
 * reorder (that would cost two Map writes per request): a URL read now and then is stored
 * again within the second after its key changes (every second at least), so the order of
 * storing is the order of use to within a second. Hand-written: a Map in insertion order
 * is the whole structure, and no entry needs a timer (its key says when it is outdated).
 */
export class AnswerCache {
  private readonly byUrl = new Map<string, CachedAnswer>();

  constructor(private readonly max = 256) {}

  /** The answer last stored for `url`, current or not (see isCurrent), else undefined. */
  latest(url: string): CachedAnswer | undefined {
    return this.byUrl.get(url);
  }

  /** The answer stored for `url` if it was computed under this second and these versions, else undefined. */
  get(url: string, second: number, versions: readonly string[]): CachedAnswer | undefined {
    const hit = this.byUrl.get(url);
    return hit && isCurrent(hit, second, versions) ? hit : undefined;
  }

  /** Stores `body` as the answer of `url` (planned as `plan`) under this second and these versions, and returns it. */
  set(url: string, plan: Plan, second: number, versions: string[], body: Buffer): CachedAnswer {
    const answer: CachedAnswer = {
      plan,
      second,
      versions,
      body,
      etag: etagOf(body),
      encoded: new Map(),
      heads: new Map(),
    };
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
  if (ifNoneMatch === etag) return true;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}
