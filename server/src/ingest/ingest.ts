import { type IncrementalUpdate, type IngestBatchResult, type IngestResult, ZIdempotencyKey } from '@sla/shared';
import { CommitOutcomeUnknown } from '../db/commit-outcome.js';
import type { Caller } from '../domain/entity.js';
import { staleBefore, toWireEntity } from '../domain/wire.js';
import { AppError, databaseTrouble, isDatabaseUnavailable } from '../platform/errors.js';
import type { Metrics } from '../platform/metrics.js';
import { fingerprintOf, type IdempotencyClaim } from './idempotency.js';
import type { IngestWriter, ItemResult } from './writer.js';

/** What ingest needs from the pod. */
export type IngestDeps = {
  writer: Pick<IngestWriter, 'submit'>;
  metrics: Metrics;
  /** True once a graceful shutdown started. */
  draining: () => boolean;
  staleAfterMinutes: number;
  /** INGEST_MAX_FUTURE_SKEW_SECONDS: how far ahead of this server's clock an observedAt may be. */
  maxFutureSkewSeconds: number;
};

/** What a write request brings besides its body (the tRPC context has all three). */
export type IngestRequest = {
  caller: Caller;
  /** The `Idempotency-Key` header, when sent. */
  idempotencyKey: string | undefined;
  setHeader: (name: string, value: string) => void;
};

/** Seconds a poller is asked to wait while PostgreSQL is unreachable. */
const RETRY_AFTER_S = 2;
/** Problems named in one 400 at most (a batch may hold 1,000). */
const MAX_NAMED = 5;

function checkScope(caller: Caller, updates: IncrementalUpdate[]): void {
  if (!caller.tenants) return;
  const denied = updates.find((u) => !caller.tenants?.has(u.tenantName));
  if (denied) throw new AppError('FORBIDDEN', `This token may not write to tenant "${denied.tenantName}"`);
}

/**
 * A result dated in the future would stay the newest observation of its entity and make
 * every later result `stale` (invariant 5), so none may be ahead of this server's clock by
 * more than the configured skew. Batch problems are named by item index, as zod names them.
 */
function checkNotFuture(d: IngestDeps, updates: IncrementalUpdate[], batch: boolean, now: number): void {
  const limit = now + d.maxFutureSkewSeconds * 1000;
  const problems = updates.flatMap((u, i) => {
    const at = u.observedAt ? Date.parse(u.observedAt) : now;
    if (at <= limit) return [];
    const ahead = Math.round((at - now) / 1000);
    return [
      `${batch ? `updates.${i}.` : ''}observedAt: ${u.observedAt} is ${ahead} s ahead of the server's clock; at most ${d.maxFutureSkewSeconds} s is accepted (check the poller's clock)`,
    ];
  });
  if (problems.length === 0) return;
  const more = problems.length > MAX_NAMED ? `; and ${problems.length - MAX_NAMED} more` : '';
  throw new AppError('BAD_INPUT', `${problems.slice(0, MAX_NAMED).join('; ')}${more}`);
}

function claimOf(req: IngestRequest, route: string, body: unknown): IdempotencyClaim | null {
  if (req.idempotencyKey === undefined) return null;
  const key = ZIdempotencyKey.safeParse(req.idempotencyKey);
  if (!key.success) throw new AppError('BAD_INPUT', key.error.issues.map((i) => i.message).join('; '));
  return { scope: req.caller.label, key: key.data, fingerprint: fingerprintOf(route, body) };
}

async function write(
  d: IngestDeps,
  req: IngestRequest,
  route: 'one' | 'many',
  updates: IncrementalUpdate[],
): Promise<ItemResult[]> {
  checkScope(req.caller, updates);
  checkNotFuture(d, updates, route === 'many', Date.now());
  const claim = claimOf(req, route, updates);
  if (d.draining()) throw new AppError('UNAVAILABLE', 'This pod is shutting down; retry on another', 1);
  const label = req.caller.label;
  try {
    const { results, replayed } = await d.writer.submit({
      updates: updates.map((update) => ({ update, source: update.replace ? `${label} (replace)` : label })),
      claim,
    });
    if (replayed) {
      req.setHeader('Idempotent-Replayed', 'true');
      d.metrics.ingest.inc({ outcome: 'replayed' }, results.length);
    } else for (const r of results) d.metrics.ingest.inc({ outcome: r.outcome });
    return results;
  } catch (err) {
    if (err instanceof CommitOutcomeUnknown) {
      d.metrics.ingest.inc({ outcome: 'unknown' }, updates.length);
      throw new AppError(
        'UNAVAILABLE',
        'PostgreSQL stopped answering while this request was being committed: it may or may not have been written. Retry with the same Idempotency-Key header (or, without one, the same observedAt) so it is not recorded twice.',
        RETRY_AFTER_S,
        { cause: err },
      );
    }
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
  ...(r.targetFrom ? { targetFrom: r.targetFrom } : {}),
});

/**
 * One poller result, committed to PostgreSQL before this resolves. With an Idempotency-Key
 * already answered for this token, the first answer again (header `Idempotent-Replayed`).
 * @throws AppError BAD_INPUT (observedAt too far ahead; malformed Idempotency-Key), FORBIDDEN
 *   (tenant outside the token's scope), UNPROCESSABLE (Idempotency-Key used for another
 *   request), UNAVAILABLE (draining; PostgreSQL unreachable: nothing written; or the
 *   commit's answer lost and its fate unknown: retry with the same key).
 */
export async function ingestOne(d: IngestDeps, req: IngestRequest, update: IncrementalUpdate): Promise<IngestResult> {
  const [r] = await write(d, req, 'one', [update]);
  return toResult(d, r as ItemResult);
}

/**
 * Up to 1,000 results in one transaction: all are committed or none; per-item outcomes
 * in submission order. Throws as `ingestOne`.
 */
export async function ingestMany(
  d: IngestDeps,
  req: IngestRequest,
  updates: IncrementalUpdate[],
): Promise<IngestBatchResult> {
  const results = (await write(d, req, 'many', updates)).map((r) => toResult(d, r));
  const count = (o: string) => results.filter((r) => r.outcome === o).length;
  return { results, applied: count('applied'), stale: count('stale'), duplicate: count('duplicate') };
}
