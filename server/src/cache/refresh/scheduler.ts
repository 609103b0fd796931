import type { RefreshResult } from '@sla/shared';
import type { Logger } from 'pino';
import type { Db } from '../../db/sql.js';
import type { Config } from '../../platform/config.js';
import type { Metrics } from '../../platform/metrics.js';
import type { RefreshLock } from '../lock/lock.js';
import type { CacheStore } from '../store/types.js';
import { runRefresh } from './refresh.js';

export type LastRefresh = { at: string; durationMs: number; podId: string; entityCount: number };

/** Where a refresh writes: the store readers use, the bulk store it writes through, and its lock. */
export type RefreshTarget = { store: CacheStore; bulk: CacheStore; lock: RefreshLock };

/**
 * Full refreshes of the shared store: on demand (one at a time per pod; across pods the
 * lock decides), and every CACHE_REFRESH_INTERVAL_HOURS after the last one with ±10%
 * jitter so pods do not stampede. `onRefreshed` hears of every refresh this pod ran.
 */
export class RefreshScheduler {
  last: LastRefresh | null = null;
  private running: Promise<RefreshResult> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly d: { config: Config; db: Db; log: Logger; metrics: Metrics },
    private readonly target: () => RefreshTarget,
    private readonly onRefreshed: (target: RefreshTarget, r: RefreshResult, last: LastRefresh) => Promise<void>,
  ) {}

  /** A full refresh now, unless another pod holds the lock (then says which). Joins one already running here. */
  refresh(trigger: string, target = this.target()): Promise<RefreshResult> {
    this.running ??= this.run(trigger, target).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Starts the schedule: a refresh now when the store's generation is missing or old, else one interval after it. */
  start(checkNow: boolean): void {
    if (checkNow && this.d.config.CACHE_REFRESH_INTERVAL_HOURS > 0) void this.refreshIfDue();
    else this.schedule(this.delay(null));
  }

  /** A refresh announced by another pod. */
  heard(last: LastRefresh): void {
    this.last = last;
    this.d.metrics.refreshLastSuccess.set(Date.parse(last.at) / 1000);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  private async run(trigger: string, target: RefreshTarget): Promise<RefreshResult> {
    const r = await runRefresh({ ...this.d, store: target.bulk, lock: target.lock, trigger });
    if (r.started && r.generation !== null) {
      this.last = {
        at: new Date().toISOString(),
        durationMs: r.durationMs ?? 0,
        podId: this.d.config.podId,
        entityCount: r.entityCount ?? 0,
      };
      await this.onRefreshed(target, r, this.last);
    }
    return r;
  }

  private async refreshIfDue(): Promise<void> {
    const store = this.target().store;
    const meta = await store.meta().catch(() => null);
    const intervalMs = this.d.config.CACHE_REFRESH_INTERVAL_HOURS * 3_600_000;
    if (!meta || Date.now() - meta.builtAt >= intervalMs * 0.9)
      await this.refresh('schedule').catch((err) => this.d.log.error({ err }, 'scheduled refresh failed'));
    const after = await this.target()
      .store.meta()
      .catch(() => null);
    this.schedule(this.delay(after?.builtAt ?? Date.now()));
  }

  /** One interval after the last refresh, with ±10% jitter. */
  private delay(builtAt: number | null): number {
    const intervalMs = this.d.config.CACHE_REFRESH_INTERVAL_HOURS * 3_600_000;
    const base = builtAt === null ? intervalMs : builtAt + intervalMs - Date.now();
    return Math.max(1_000, base + (Math.random() - 0.5) * 0.2 * intervalMs);
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refreshIfDue(), Math.min(ms, 2 ** 31 - 1));
    this.timer.unref();
  }
}
