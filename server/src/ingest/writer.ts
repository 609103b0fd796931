import type { IncrementalUpdate, Outcome } from '@sla/shared';
import type { Logger } from 'pino';
import type { Sql } from '../db/sql.js';
import { identityKey, type PlannedChange, plan, type StoredState } from './plan.js';
import { insertChanges, loadSeen, loadStates, lockChangeOrder, upsertEntities } from './repository.js';

export type CommittedChange = PlannedChange & { entityId: number };
export type ItemResult = { outcome: Outcome; changeId: number | null; entity: StoredState };
/** Everything one transaction committed: a gapless run of change ids. */
export type CommittedRun = { fromId: number; toId: number; changes: CommittedChange[]; entities: StoredState[] };

type Unit = {
  updates: { update: IncrementalUpdate; source: string }[];
  resolve: (r: ItemResult[]) => void;
  reject: (e: unknown) => void;
};

/** Updates written per transaction at most; larger queues are drained in several. */
const MAX_ITEMS_PER_TX = 2_000;

/**
 * Group commit: every request's updates join a queue that one loop drains, writing all
 * queued units in one transaction. Under load this turns thousands of single-update
 * requests into a few transactions per second, and it keeps one writer per pod queued
 * on the change-order lock instead of the whole connection pool.
 */
export class IngestWriter {
  private queue: Unit[] = [];
  private running = false;

  constructor(
    private readonly tx: <T>(fn: (sql: Sql) => Promise<T>) => Promise<T>,
    private readonly onCommitted: (run: CommittedRun) => void,
    private readonly log: Logger,
  ) {}

  submit(updates: { update: IncrementalUpdate; source: string }[]): Promise<ItemResult[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ updates, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  /** Resolves once nothing is queued or being written (used by graceful shutdown). */
  async idle(): Promise<void> {
    while (this.running || this.queue.length > 0) await new Promise((r) => setTimeout(r, 10));
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const units = this.take();
        try {
          this.settle(units, await this.write(units));
        } catch (err) {
          if (units.length > 1 && isDataError(err)) {
            // One unit's data broke the shared transaction: write each alone so the others still land.
            for (const u of units) await this.write([u]).then((r) => this.settle([u], r), u.reject);
          } else for (const u of units) u.reject(err);
        }
      }
    } finally {
      this.running = false;
    }
  }

  private take(): Unit[] {
    const units: Unit[] = [];
    let n = 0;
    while (
      this.queue.length > 0 &&
      (units.length === 0 || n + (this.queue[0]?.updates.length ?? 0) <= MAX_ITEMS_PER_TX)
    ) {
      const u = this.queue.shift() as Unit;
      n += u.updates.length;
      units.push(u);
    }
    return units;
  }

  private settle(units: Unit[], results: ItemResult[]): void {
    let i = 0;
    for (const u of units) {
      u.resolve(results.slice(i, i + u.updates.length));
      i += u.updates.length;
    }
  }

  private async write(units: Unit[]): Promise<ItemResult[]> {
    const all = units.flatMap((u) => u.updates);
    const { run, results } = await this.tx(async (sql) => {
      const head = await lockChangeOrder(sql);
      const stored = await loadStates(
        sql,
        all.map((a) => a.update),
      );
      const probes = [];
      for (const { update } of all) {
        const s = stored.get(keyOf(update));
        if (update.observedAt && s)
          probes.push({ key: keyOf(update), entityId: s.id, observedAt: Date.parse(update.observedAt) });
      }
      const seen = await loadSeen(sql, probes);
      const p = plan(all, stored, seen, head + 1, Date.now());
      const ids = await upsertEntities(sql, [...p.touched.values()]);
      for (const it of p.items) it.entityAfter.id = ids.get(it.key) ?? it.entityAfter.id;
      const changes = p.changes.map((c) => ({ ...c, entityId: ids.get(c.key) ?? stored.get(c.key)?.id ?? 0 }));
      await insertChanges(sql, changes);
      const results = p.items.map((it) => ({
        outcome: it.outcome,
        changeId: it.change?.id ?? null,
        entity: it.entityAfter,
      }));
      return {
        results,
        run: { fromId: head + 1, toId: head + changes.length, changes, entities: [...p.touched.values()] },
      };
    });
    if (run.changes.length > 0) {
      try {
        this.onCommitted(run);
      } catch (err) {
        this.log.error({ err }, 'post-commit hook failed; the change log will catch up');
      }
    }
    return results;
  }
}

const keyOf = identityKey;

/** PostgreSQL data exceptions (class 22) and integrity violations (class 23). */
function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}
