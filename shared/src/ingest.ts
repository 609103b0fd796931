import { z } from 'zod';
import { ZEntity } from './entity.js';
import { ZEntityType, ZStatus } from './status.js';

export const MAX_NAME_LENGTH = 256;
export const MAX_DETAILS_BYTES = 16 * 1024;
export const MAX_BATCH_UPDATES = 1000;

const name = (field: string) =>
  z
    .string({ error: `${field} must be a string` })
    .trim()
    .min(1, `${field} must not be empty`)
    .max(MAX_NAME_LENGTH, `${field} must be at most ${MAX_NAME_LENGTH} characters`);

const percent = (field: string) =>
  z
    .number({ error: `${field} must be a number` })
    .finite(`${field} must be a finite number`)
    .min(0, `${field} must be between 0 and 100`)
    .max(100, `${field} must be between 0 and 100`);

const ZDetails = z
  .record(z.string(), z.unknown(), { error: 'details must be a JSON object' })
  .refine((d) => new TextEncoder().encode(JSON.stringify(d)).length <= MAX_DETAILS_BYTES, {
    message: `details must be at most ${MAX_DETAILS_BYTES} bytes of JSON`,
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
    observedAt: z.iso
      .datetime({ offset: true, error: 'observedAt must be an ISO 8601 date-time' })
      .optional(),
    slaTarget: percent('slaTarget').optional(),
    details: ZDetails.optional(),
  })
  .meta({
    example: {
      entityName: 'user_activity_table',
      entityType: 'table',
      teamName: 'PGM',
      tenantName: 'Data Engineering',
      currentSla: 95.5,
      status: 'Passed',
    },
  });
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
