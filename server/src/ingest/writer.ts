import type { IncrementalUpdate, Outcome } from '@sla/shared';
import type { Logger } from 'pino';
import type { Sql } from '../db/sql.js';
import { type LogRun, toLogChange } from '../domain/change.js';
import { identityKey } from '../domain/entity.js';
import { plan, type StoredState } from './plan.js';
import { insertChanges, loadSeen, loadStates, lockChangeOrder, upsertEntities } from './repository.js';

export type ItemResult = { outcome: Outcome; changeId: number | null; entity: StoredState };

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
  /** Committed runs whose requests wait for the commit hook. */
  private publishing = 0;

  constructor(
    private readonly tx: <T>(fn: (sql: Sql) => Promise<T>) => Promise<T>,
    /**
     * Hears every committed run before its requests are answered; the answers wait for the
     * promise (the cache bounds that wait), the next transaction does not.
     */
    private readonly onCommitted: (run: LogRun) => Promise<unknown>,
    private readonly log: Logger,
  ) {}

  submit(updates: { update: IncrementalUpdate; source: string }[]): Promise<ItemResult[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ updates, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  /** Resolves once nothing is queued, being written or waiting to be answered (graceful shutdown). */
  async idle(): Promise<void> {
    while (this.running || this.queue.length > 0 || this.publishing > 0) await new Promise((r) => setTimeout(r, 10));
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const units = this.take();
        try {
          this.settleAfter(units, await this.write(units));
        } catch (err) {
          if (units.length > 1 && isDataError(err)) {
            // One unit's data broke the shared transaction: write each alone so the others still land.
            for (const u of units) await this.write([u]).then((w) => this.settleAfter([u], w), u.reject);
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

  /** Answers the units once the commit hook is done with their run; the loop goes on meanwhile. */
  private settleAfter(units: Unit[], w: { results: ItemResult[]; published: Promise<void> }): void {
    this.publishing++;
    void w.published.then(() => {
      this.publishing--;
      this.settle(units, w.results);
    });
  }

  private settle(units: Unit[], results: ItemResult[]): void {
    let i = 0;
    for (const u of units) {
      u.resolve(results.slice(i, i + u.updates.length));
      i += u.updates.length;
    }
  }

  private async write(units: Unit[]): Promise<{ results: ItemResult[]; published: Promise<void> }> {
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
    const logRun: LogRun = { fromId: run.fromId, toId: run.toId, changes: run.changes.map(toLogChange) };
    const published =
      run.changes.length === 0
        ? Promise.resolve()
        : Promise.resolve()
            .then(() => this.onCommitted(logRun))
            .then(
              () => undefined,
              (err) => this.log.error({ err }, 'post-commit hook failed; the change log will catch up'),
            );
    return { results, published };
  }
}

const keyOf = identityKey;

/** PostgreSQL data exceptions (class 22) and integrity violations (class 23). */
function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}
