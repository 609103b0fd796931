import type { RefreshResult } from '@sla/shared';
import type { Logger } from 'pino';
import type { Db } from '../../db/sql.js';
import type { Config } from '../../platform/config.js';
import { AppError, isDatabaseUnavailable } from '../../platform/errors.js';
import type { Metrics } from '../../platform/metrics.js';
import type { RefreshLock } from '../lock/lock.js';
import { asRedisUnavailable } from '../redis/client.js';
import type { CacheStore } from '../store/types.js';
import { type RefreshOutcome, runRefresh } from './refresh.js';

export type LastRefresh = { at: string; durationMs: number; podId: string; entityCount: number };

/** Where a refresh writes: the store readers use, the bulk store it writes through, and its lock. */
export type RefreshTarget = { store: CacheStore; bulk: CacheStore; lock: RefreshLock };

/** After a failed refresh, automatic ones wait this long, doubling per failure up to the cap (ms). */
const RETRY_BASE_MS = 1_000;
const RETRY_CAP_MS = 60_000;

/**
 * Full refreshes of the shared store: on demand (one at a time per pod; across pods the
 * lock decides), and every CACHE_REFRESH_INTERVAL_HOURS after the last one with ±10%
 * jitter so pods do not stampede. `onRefreshed` hears of every refresh this pod ran.
 *
 * While a dependency is down a refresh fails again and again: automatic triggers (the
 * schedule, a missing Redis cache) then back off exponentially from 1 s to a 60 s cap,
 * reset by the next success; a manual one always runs. The log says it once per change
 * of state: an error when refreshes start failing, an info line when one succeeds again.
 */
export class RefreshScheduler {
  last: LastRefresh | null = null;
  private running: Promise<RefreshResult> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Refreshes failed in a row, and when an automatic one may run again (epoch ms). */
  private failures = 0;
  private retryAt = 0;

  constructor(
    private readonly d: { config: Config; db: Db; log: Logger; metrics: Metrics },
    private readonly target: () => RefreshTarget,
    private readonly onRefreshed: (target: RefreshTarget, r: RefreshOutcome, last: LastRefresh) => Promise<void>,
  ) {}

  /**
   * A full refresh now, unless another pod holds the lock (then says which). Joins one
   * already running here.
   * @param trigger `manual` (the API) runs even while backing off; any other is automatic
   * @throws AppError UNAVAILABLE when an automatic refresh is backing off after failures,
   *   DatabaseUnavailable when PostgreSQL cannot be read, or what the store threw.
   */
  refresh(trigger: string, target = this.target()): Promise<RefreshResult> {
    if (!this.running) {
      const wait = this.retryAt - Date.now();
      if (trigger !== 'manual' && wait > 0) {
        const s = Math.ceil(wait / 1000);
        return handled(
          Promise.reject(new AppError('UNAVAILABLE', `The last cache refresh failed; next try in ${s} s`, s)),
        );
      }
      // Handled here so fire-and-forget callers leave no unhandled rejection; awaiting callers still get it.
      this.running = handled(
        this.run(trigger, target).finally(() => {
          this.running = null;
        }),
      );
    }
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

  /** Stops scheduling and waits for a refresh in progress to settle (its failure is ignored). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  private async run(trigger: string, target: RefreshTarget): Promise<RefreshResult> {
    let r: RefreshOutcome;
    try {
      r = await runRefresh({ ...this.d, store: target.bulk, lock: target.lock, trigger });
    } catch (err) {
      this.failed(err, trigger);
      throw err;
    }
    if (r.started && this.failures > 0) {
      this.d.log.info({ failedBefore: this.failures, trigger }, 'cache refresh succeeded again');
      this.failures = 0;
      this.retryAt = 0;
    }
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

  private failed(err: unknown, trigger: string): void {
    this.failures++;
    const backoff = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** (this.failures - 1));
    this.retryAt = Date.now() + backoff;
    // PostgreSQL away, or Redis away or refusing writes, is an outage already logged by the
    // pod (one line, no stack), not a fault of the refresh.
    const redisTrouble = asRedisUnavailable(err) !== null;
    const away = isDatabaseUnavailable(err) || redisTrouble;
    const fields = {
      ...(away ? { error: (err as Error).message } : { err }),
      trigger,
      failures: this.failures,
      retryInMs: backoff,
    };
    if (this.failures === 1 && away)
      this.d.log.warn(
        fields,
        `cache refresh failed: ${redisTrouble ? 'Redis is unavailable or refused the write' : 'PostgreSQL is unavailable'}; retrying with backoff`,
      );
    else if (this.failures === 1) this.d.log.error(fields, 'cache refresh failed; retrying with backoff');
    else this.d.log.debug(fields, 'cache refresh failed again');
  }

  private async refreshIfDue(): Promise<void> {
    const store = this.target().store;
    const meta = await store.meta().catch(() => null);
    const intervalMs = this.d.config.CACHE_REFRESH_INTERVAL_HOURS * 3_600_000;
    // Failures are logged (once per change of state) by run(); a failed refresh is retried after its backoff.
    if (!meta || Date.now() - meta.builtAt >= intervalMs * 0.9) await this.refresh('schedule').catch(() => undefined);
    if (this.failures > 0) return this.schedule(Math.max(0, this.retryAt - Date.now()));
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

/** The same promise, marked as handled (its rejection still reaches whoever awaits it). */
function handled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}
