import { z } from 'zod';
import { ZEntity } from './entity.js';
import { EXAMPLE_UPDATE } from './example.js';
import { ZEntityType, ZStatus } from './status.js';
import { cleanText, instant, isWellFormed } from './text.js';

export const MAX_NAME_LENGTH = 256;
export const MAX_DETAILS_BYTES = 16 * 1024;
export const MAX_BATCH_UPDATES = 1000;
export const MAX_DETAILS_DEPTH = 64;

/** Names refuse control characters (PostgreSQL rejects NUL; the cache joins names with U+001F) and lone surrogates. */
export const nameField = (field: string) =>
  cleanText(
    field,
    z
      .string({ error: `${field} must be a string` })
      .trim()
      .min(1, `${field} must not be empty`)
      .max(MAX_NAME_LENGTH, `${field} must be at most ${MAX_NAME_LENGTH} characters`),
  );

const percent = (field: string) =>
  z
    .number({ error: `${field} must be a number` })
    .finite(`${field} must be a finite number`)
    .min(0, `${field} must be between 0 and 100`)
    .max(100, `${field} must be between 0 and 100`);

/**
 * Why a string inside `details` cannot be stored, or null. Only what PostgreSQL's jsonb
 * refuses: NUL (\u0000) and lone surrogates. Other control characters stay allowed there,
 * unlike in names: a log excerpt carries tabs and newlines, and jsonb stores them escaped.
 */
function detailsStringProblem(s: string, where: string): string | null {
  // Long or deep paths are cut (by code point, so the message stays valid Unicode).
  const at = () => (where.length > 120 ? `${Array.from(where).slice(0, 100).join('')}…` : where);
  if (s.includes('\u0000')) return `details must not contain NUL (\\u0000) characters (at ${at()})`;
  if (!isWellFormed(s)) return `details must be valid Unicode: an unpaired UTF-16 surrogate at ${at()}`;
  return null;
}

/**
 * Why `details` cannot be stored, or null, naming where in it (`details.a.0`). Walks
 * without recursion: deep nesting would exhaust the stack.
 */
function detailsProblem(details: Record<string, unknown>): string | null {
  const stack: [unknown, number, string][] = [[details, 1, 'details']];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const [value, depth, path] = top;
    if (typeof value === 'string') {
      const problem = detailsStringProblem(value, path);
      if (problem) return problem;
    } else if (value !== null && typeof value === 'object') {
      if (depth > MAX_DETAILS_DEPTH) return `details must be nested at most ${MAX_DETAILS_DEPTH} levels deep`;
      for (const [key, child] of Object.entries(value)) {
        const problem = detailsStringProblem(key, `a key in ${path}`);
        if (problem) return problem;
        stack.push([child, depth + 1, `${path}.${key}`]);
      }
    }
  }
  if (new TextEncoder().encode(JSON.stringify(details)).length > MAX_DETAILS_BYTES)
    return `details must be at most ${MAX_DETAILS_BYTES} bytes of JSON`;
  return null;
}

const ZDetails = z.record(z.string(), z.unknown(), { error: 'details must be a JSON object' }).superRefine((d, ctx) => {
  const problem = detailsProblem(d);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** One poller result: the body of POST /api/cache/incremental-update (the original contract). */
export const ZIncrementalUpdate = z
  .object({
    entityName: nameField('entityName'),
    entityType: ZEntityType,
    teamName: nameField('teamName'),
    tenantName: nameField('tenantName'),
    currentSla: percent('currentSla'),
    status: ZStatus,
    /** The poller's clock; default the server's. More than INGEST_MAX_FUTURE_SKEW_SECONDS ahead is refused. */
    observedAt: instant('observedAt').optional(),
    slaTarget: percent('slaTarget').optional(),
    details: ZDetails.optional(),
    /**
     * A forced update: becomes the current state whatever the stored observedAt (to repair an
     * entity an earlier result dated in the future froze). Never a duplicate; recorded in the
     * change log with source "<token label> (replace)".
     */
    replace: z.boolean({ error: 'replace must be true or false' }).optional(),
  })
  .meta({ example: EXAMPLE_UPDATE });
export type IncrementalUpdate = z.infer<typeof ZIncrementalUpdate>;

export const ZIncrementalUpdates = z.object({
  updates: z
    .array(ZIncrementalUpdate)
    .min(1, 'updates must contain at least one update')
    .max(MAX_BATCH_UPDATES, `updates must contain at most ${MAX_BATCH_UPDATES} updates`),
});
export type IncrementalUpdates = z.infer<typeof ZIncrementalUpdates>;

/**
 * The `Idempotency-Key` request header (IETF draft-ietf-httpapi-idempotency-key-header): a
 * client-chosen string, unique per request it means to make once, such as a UUID.
 */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
export const ZIdempotencyKey = z
  .string()
  .regex(
    new RegExp(`^[\\x21-\\x7e][\\x20-\\x7e]{0,${MAX_IDEMPOTENCY_KEY_LENGTH - 1}}$`),
    `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters (a UUID, for example)`,
  );

/**
 * applied: became the entity's current state.
 * stale: older than the stored observation; kept in history only.
 * duplicate: a replay of the stored observation; nothing written.
 */
export const OUTCOMES = ['applied', 'stale', 'duplicate'] as const;
export const ZOutcome = z.enum(OUTCOMES);
export type Outcome = z.infer<typeof ZOutcome>;

export const ZIngestResult = z.object({
  outcome: ZOutcome,
  /** Id of the change recorded for this update; null for a duplicate. */
  changeId: z.number().int().nullable(),
  entity: ZEntity,
  /**
   * `file`: the rules file declares this entity's SLA target, and it replaced the `slaTarget`
   * the update sent (absent: the update's or the stored target applies).
   */
  targetFrom: z.literal('file').optional(),
});
export type IngestResult = z.infer<typeof ZIngestResult>;

export const ZIngestBatchResult = z.object({
  results: z.array(ZIngestResult),
  applied: z.number().int(),
  stale: z.number().int(),
  duplicate: z.number().int(),
});
export type IngestBatchResult = z.infer<typeof ZIngestBatchResult>;
