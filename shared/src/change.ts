import { z } from 'zod';
import { ZEntityNames } from './entity.js';
import { ZStatus } from './status.js';
import { filterText, wholeNumber } from './text.js';

/** One accepted poller result, as recorded in the append-only change log. */
export const ZChange = z.object({
  /** Global change order: ascending ids are commit order, with no gaps. */
  id: z.number().int(),
  entityId: z.number().int(),
  ...ZEntityNames.shape,
  previousSla: z.number().nullable(),
  previousStatus: ZStatus.nullable(),
  currentSla: z.number(),
  status: ZStatus,
  slaTarget: z.number(),
  observedAt: z.string(),
  receivedAt: z.string(),
  /** False when the result was older than the stored observation (history only). */
  applied: z.boolean(),
  source: z.string(),
});
export type Change = z.infer<typeof ZChange>;

export const ZRecentChangesInput = z.object({
  tenantName: filterText('tenantName'),
  teamName: filterText('teamName'),
  status: ZStatus.optional(),
  limit: wholeNumber('limit', 1, 500).default(50),
  /** Return changes older than this change id (the previous page's nextCursor). */
  cursor: wholeNumber('cursor', 1, Number.MAX_SAFE_INTEGER).optional(),
});
export type RecentChangesInput = z.input<typeof ZRecentChangesInput>;

export const ZRecentChanges = z.object({
  changes: z.array(ZChange),
  nextCursor: z.number().int().nullable(),
});
export type RecentChanges = z.infer<typeof ZRecentChanges>;

export const ZOnChangeInput = z.object({
  tenantName: filterText('tenantName'),
  teamName: filterText('teamName'),
  /**
   * The last tracked id the client saw, `<epoch>:<change id>` (a plain change id means the
   * current epoch); every later change is replayed first, in order. A cursor of another
   * epoch, ahead of the log's head, or not a cursor at all ends the subscription with
   * BAD_REQUEST: subscribe again without it and reload from the head.
   */
  lastEventId: filterText('lastEventId').nullish(),
});
