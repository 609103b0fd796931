import type { IncrementalUpdate, IngestBatchResult, IngestResult } from '@sla/shared';
import type { AppDeps } from '../app-deps.js';
import { staleBefore, toWireEntity } from '../domain/wire.js';
import { AppError, isDatabaseUnavailable } from '../platform/errors.js';
import type { ItemResult } from './writer.js';

export type Caller = { label: string; tenants: Set<string> | null };

/** Seconds a poller is asked to wait while PostgreSQL is unreachable. */
const RETRY_AFTER_S = 2;

function checkScope(caller: Caller, updates: IncrementalUpdate[]): void {
  if (!caller.tenants) return;
  const denied = updates.find((u) => !caller.tenants?.has(u.tenantName));
  if (denied) throw new AppError('FORBIDDEN', `This token may not write to tenant "${denied.tenantName}"`);
}

async function write(app: AppDeps, caller: Caller, updates: IncrementalUpdate[]): Promise<ItemResult[]> {
  checkScope(caller, updates);
  if (app.draining()) throw new AppError('UNAVAILABLE', 'This pod is shutting down; retry on another', 1);
  try {
    const results = await app.writer.submit(updates.map((update) => ({ update, source: caller.label })));
    for (const r of results) app.metrics.ingest.inc({ outcome: r.outcome });
    return results;
  } catch (err) {
    if (isDatabaseUnavailable(err)) {
      app.metrics.ingest.inc({ outcome: 'unavailable' }, updates.length);
      throw new AppError(
        'UNAVAILABLE',
        'PostgreSQL is unavailable; nothing was written. Retry shortly.',
        RETRY_AFTER_S,
        {
          cause: err,
        },
      );
    }
    throw err;
  }
}

const toResult = (app: AppDeps, r: ItemResult): IngestResult => ({
  outcome: r.outcome,
  changeId: r.changeId,
  entity: toWireEntity(r.entity, staleBefore(app.config.STALE_AFTER_MINUTES)),
});

/** One poller result: committed to PostgreSQL before this resolves. */
export async function ingestOne(app: AppDeps, caller: Caller, update: IncrementalUpdate): Promise<IngestResult> {
  const [r] = await write(app, caller, [update]);
  return toResult(app, r as ItemResult);
}

/** Up to 1,000 results in one transaction: all are committed or none. */
export async function ingestMany(
  app: AppDeps,
  caller: Caller,
  updates: IncrementalUpdate[],
): Promise<IngestBatchResult> {
  const results = (await write(app, caller, updates)).map((r) => toResult(app, r));
  const count = (o: string) => results.filter((r) => r.outcome === o).length;
  return { results, applied: count('applied'), stale: count('stale'), duplicate: count('duplicate') };
}
