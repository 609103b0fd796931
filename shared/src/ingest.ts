import { z } from 'zod';
import { ZEntity } from './entity.js';
import { EXAMPLE_UPDATE } from './example.js';
import { ZEntityType, ZStatus } from './status.js';

export const MAX_NAME_LENGTH = 256;
export const MAX_DETAILS_BYTES = 16 * 1024;
export const MAX_BATCH_UPDATES = 1000;
export const MAX_DETAILS_DEPTH = 64;

/** C0/C1 control characters: PostgreSQL rejects NUL in text, and the cache uses U+001F as a separator. */
const hasControlCharacter = (s: string) => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
};

const name = (field: string) =>
  z
    .string({ error: `${field} must be a string` })
    .trim()
    .min(1, `${field} must not be empty`)
    .max(MAX_NAME_LENGTH, `${field} must be at most ${MAX_NAME_LENGTH} characters`)
    .refine((s) => !hasControlCharacter(s), `${field} must not contain control characters`);

const percent = (field: string) =>
  z
    .number({ error: `${field} must be a number` })
    .finite(`${field} must be a finite number`)
    .min(0, `${field} must be between 0 and 100`)
    .max(100, `${field} must be between 0 and 100`);

/**
 * Why `details` cannot be stored, or null. Walks without recursion: PostgreSQL's jsonb
 * rejects NUL (\u0000) in strings and keys, and deep nesting would exhaust the stack.
 */
function detailsProblem(details: Record<string, unknown>): string | null {
  const stack: [unknown, number][] = [[details, 1]];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const [value, depth] = top;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return 'details must not contain NUL (\\u0000) characters';
    } else if (value !== null && typeof value === 'object') {
      if (depth > MAX_DETAILS_DEPTH) return `details must be nested at most ${MAX_DETAILS_DEPTH} levels deep`;
      for (const [key, child] of Object.entries(value)) {
        if (key.includes('\u0000')) return 'details must not contain NUL (\\u0000) characters';
        stack.push([child, depth + 1]);
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
    entityName: name('entityName'),
    entityType: ZEntityType,
    teamName: name('teamName'),
    tenantName: name('tenantName'),
    currentSla: percent('currentSla'),
    status: ZStatus,
    observedAt: z.iso.datetime({ offset: true, error: 'observedAt must be an ISO 8601 date-time' }).optional(),
    slaTarget: percent('slaTarget').optional(),
    details: ZDetails.optional(),
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
});
export type IngestResult = z.infer<typeof ZIngestResult>;

export const ZIngestBatchResult = z.object({
  results: z.array(ZIngestResult),
  applied: z.number().int(),
  stale: z.number().int(),
  duplicate: z.number().int(),
});
export type IngestBatchResult = z.infer<typeof ZIngestBatchResult>;
