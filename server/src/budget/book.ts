import { appendResult, pruneBefore } from '../domain/budget/index.js';
import type { Timeline } from '../domain/budget/types.js';
import type { LogChange } from '../domain/change.js';

/**
 * Every entity's budget timeline in memory (entity id → Timeline), built from the applied
 * changes of the log in commit order. `watermark` is the id of the last change applied
 * (applied or not: a stale result moves the watermark but not the timeline), `epoch` the
 * log it belongs to. `revision` grows with every change of content, for memoised answers.
 */
export class BudgetBook {
  private timelines = new Map<number, Timeline>();
  watermark = 0;
  epoch: string | null = null;
  revision = 0;

  constructor(readonly staleAfterMs: number) {}

  get size(): number {
    return this.timelines.size;
  }

  get(entityId: number): Timeline | undefined {
    return this.timelines.get(entityId);
  }

  entries(): IterableIterator<[number, Timeline]> {
    return this.timelines.entries();
  }

  /**
   * Applies changes that continue the book (ascending ids; those at or below the watermark
   * are skipped). Returns the id of the first change that does not continue it (a gap the
   * caller must fill first), or null when all were taken.
   */
  apply(changes: readonly LogChange[]): number | null {
    for (const c of changes) {
      if (c.id <= this.watermark) continue;
      if (c.id !== this.watermark + 1) return c.id;
      if (c.applied) {
        const t = this.timelines.get(c.entityId) ?? null;
        const next = appendResult(t, c, this.staleAfterMs);
        if (next !== t) this.timelines.set(c.entityId, next);
      }
      this.watermark = c.id;
      this.revision++;
    }
    return null;
  }

  /** Replaces the whole book (a load): the timelines as of change `watermark` of log `epoch`. */
  replace(timelines: Map<number, Timeline>, watermark: number, epoch: string | null): void {
    this.timelines = timelines;
    this.watermark = watermark;
    this.epoch = epoch;
    this.revision++;
  }

  /** Forgets everything (the log was replaced). */
  clear(): void {
    this.replace(new Map(), 0, null);
  }

  /** Drops segments ending before `cutoff` (epoch ms) from every timeline. */
  prune(cutoff: number): void {
    for (const t of this.timelines.values()) pruneBefore(t, cutoff);
    this.revision++;
  }
}
