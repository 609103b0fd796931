import type { IncrementalUpdate, IngestBatchResult, IngestResult } from '@sla/shared';
import type { Caller } from '../domain/entity.js';
import { staleBefore, toWireEntity } from '../domain/wire.js';
import { AppError, databaseTrouble, isDatabaseUnavailable } from '../platform/errors.js';
import type { Metrics } from '../platform/metrics.js';
import type { IngestWriter, ItemResult } from './writer.js';

/** What ingest needs from the pod. */
export type IngestDeps = {
  writer: Pick<IngestWriter, 'submit'>;
  metrics: Metrics;
  /** True once a graceful shutdown started. */
  draining: () => boolean;
  staleAfterMinutes: number;
};

/** Seconds a poller is asked to wait while PostgreSQL is unreachable. */
const RETRY_AFTER_S = 2;

function checkScope(caller: Caller, updates: IncrementalUpdate[]): void {
  if (!caller.tenants) return;
  const denied = updates.find((u) => !caller.tenants?.has(u.tenantName));
  if (denied) throw new AppError('FORBIDDEN', `This token may not write to tenant "${denied.tenantName}"`);
}

async function write(d: IngestDeps, caller: Caller, updates: IncrementalUpdate[]): Promise<ItemResult[]> {
  checkScope(caller, updates);
  if (d.draining()) throw new AppError('UNAVAILABLE', 'This pod is shutting down; retry on another', 1);
  try {
    const results = await d.writer.submit(updates.map((update) => ({ update, source: caller.label })));
    for (const r of results) d.metrics.ingest.inc({ outcome: r.outcome });
    return results;
  } catch (err) {
    if (!isDatabaseUnavailable(err)) throw err;
    d.metrics.ingest.inc({ outcome: 'unavailable' }, updates.length);
    // A full pool or a lock timeout is not an outage: say so, and ask for a shorter wait.
    const busy = databaseTrouble(err) === 'busy';
    throw new AppError(
      'UNAVAILABLE',
      `PostgreSQL is ${busy ? 'busy' : 'unavailable'}; nothing was written. Retry shortly.`,
      busy ? 1 : RETRY_AFTER_S,
      { cause: err },
    );
  }
}

const toResult = (d: IngestDeps, r: ItemResult): IngestResult => ({
  outcome: r.outcome,
  changeId: r.changeId,
  entity: toWireEntity(r.entity, staleBefore(d.staleAfterMinutes)),
});

/**
 * One poller result, committed to PostgreSQL before this resolves.
 * @throws AppError FORBIDDEN (tenant outside the token's scope), UNAVAILABLE (draining, or
 *   PostgreSQL unreachable: nothing written, retry after 1–2 s).
 */
export async function ingestOne(d: IngestDeps, caller: Caller, update: IncrementalUpdate): Promise<IngestResult> {
  const [r] = await write(d, caller, [update]);
  return toResult(d, r as ItemResult);
}

/**
 * Up to 1,000 results in one transaction: all are committed or none; per-item outcomes
 * in submission order. Throws as `ingestOne`.
 */
export async function ingestMany(
  d: IngestDeps,
  caller: Caller,
  updates: IncrementalUpdate[],
): Promise<IngestBatchResult> {
  const results = (await write(d, caller, updates)).map((r) => toResult(d, r));
  const count = (o: string) => results.filter((r) => r.outcome === o).length;
  return { results, applied: count('applied'), stale: count('stale'), duplicate: count('duplicate') };
}
