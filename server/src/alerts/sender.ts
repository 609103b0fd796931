import type { Logger } from 'pino';
import type { Db } from '../db/sql.js';
import { raceAbort } from '../platform/abort.js';
import { backoffMs, sleep } from '../platform/backoff.js';
import { createDelivery, type Delivery, openDeliveries, recordAttempt } from './deliveries.js';
import { type LeaseFence, LeaseLost, type PgLease } from './lease.js';
import type { AlertMetrics } from './metrics.js';
import { changesOf, nextGroup, outboxDepth, type PendingRow, pendingRows } from './outbox.js';
import type { DeliveryResult, SendFn } from './types.js';

/** Timing and size of the sender's work; only `groupIntervalMs` has no default. */
export type SenderOptions = {
  /** ALERT_GROUP_INTERVAL_MS (default 10,000): how long a team's first change waits for others to join its message. */
  groupIntervalMs: number;
  /**
   * The safety poll: how often the outbox is read while nothing wakes the sender (ms, default
   * 300,000). The evaluator pokes the sender after queueing, finished deliveries and grouping
   * waits wake it, and a new lease holder reads the outbox at once, so this is only a safety
   * net; slow, so an idle fleet stays off PostgreSQL.
   */
  pollMs?: number;
  /** First retry delay and its cap (ms; defaults 1,000 and 60,000), doubled per attempt with jitter (platform/backoff.ts). */
  retryBaseMs?: number;
  retryCapMs?: number;
  /** Changes per message at most (default 100). */
  maxChangesPerMessage?: number;
};

/** What the sender works with, handed in by the composition root. */
export type SenderDeps = {
  db: Pick<Db, 'sql' | 'tx'>;
  /** The fleet's alerting lease (name `alerting`, shared with the evaluator); the sender works only while holding it. */
  lease: PgLease;
  send: SendFn;
  metrics?: AlertMetrics | undefined;
  log?: Logger | undefined;
};

/** Outbox rows read per pass: enough for every channel's next message. */
const PENDING_READ = 2_000;

/**
 * Delivers the alert outbox, on one pod of the fleet at a time (the holder of `lease`).
 * Each channel has at most one open delivery: it is created (fresh uuid, fixed outbox rows)
 * before its first attempt and retried with backoff until the channel accepts or refuses
 * it, so one fingerprint's changes reach a channel in sequence order, a resend after a
 * crash or a takeover carries the same delivery id and changes, and a failing channel
 * holds back only itself. Every write is fenced with the lease's token.
 */
export class OutboxSender {
  private readonly stopper = new AbortController();
  private running: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  /** A wake-up that came while no nap was running: the next nap returns at once. */
  private woken = false;
  private readonly opts: Required<SenderOptions>;

  constructor(
    private readonly deps: SenderDeps,
    options: SenderOptions,
  ) {
    this.opts = { pollMs: 300_000, retryBaseMs: 1_000, retryCapMs: 60_000, maxChangesPerMessage: 100, ...options };
  }

  /** Starts waiting for the lease and, while held, sending. */
  start(): void {
    this.running ??= this.deps.lease.hold(this.stopper.signal, (fence, lost) => this.work(fence, lost));
  }

  /** Reads the outbox now rather than at the next poll (call after recording changes). */
  poke(): void {
    if (this.wake) this.wake();
    else this.woken = true;
  }

  /** Stops sending (an attempt in flight is aborted; its delivery is resent by the next holder) and releases the lease. */
  async stop(): Promise<void> {
    this.stopper.abort();
    await this.running;
  }

  /**
   * Sends until `lost` aborts, as the holder of `fence` (what `start` runs under the sender's
   * own lease; `holdAlerting` runs it beside the evaluator under one shared lease). The outbox
   * is read when poked, when a grouping wait ends, after a delivery finished, and every
   * `pollMs` as a safety net; each read is one transaction.
   * @throws LeaseLost when a fenced write found the lease gone; DatabaseUnavailable.
   */
  async work(fence: LeaseFence, lost: AbortSignal): Promise<void> {
    const workers = new Map<string, Promise<void>>();
    const finished = new Set<string>();
    const spawn = (d: Delivery) => {
      const work = this.deliver(fence, d, lost)
        .catch(async (err) => {
          if (!(err instanceof LeaseLost))
            this.deps.log?.warn({ err, channel: d.channel }, 'alert delivery interrupted');
          await sleep(this.opts.retryBaseMs, lost);
        })
        .finally(() => {
          finished.add(d.deliveryId);
          workers.delete(d.channel);
          this.poke();
        });
      workers.set(d.channel, work);
    };
    try {
      while (!lost.aborted) {
        // One transaction for the pass's reads: an idle fleet's safety poll costs PostgreSQL one.
        const { open, pending, depth } = await this.deps.db.tx(async (sql) => ({
          open: await openDeliveries(sql),
          pending: await pendingRows(sql, PENDING_READ),
          depth: await outboxDepth(sql),
        }));
        for (const d of open) if (!workers.has(d.channel) && !finished.has(d.deliveryId)) spawn(d);
        const busy = new Set([...open.map((d) => d.channel), ...workers.keys()]);
        let napMs = this.opts.pollMs;
        for (const [channel, rows] of byChannel(pending)) {
          if (busy.has(channel)) continue;
          const group = nextGroup(rows, this.opts.groupIntervalMs, this.opts.maxChangesPerMessage);
          if (!group) {
            napMs = Math.min(napMs, this.opts.groupIntervalMs - (rows[0]?.ageMs ?? 0));
            continue;
          }
          const d = await createDelivery(this.deps.db, fence, group);
          if (d) spawn(d);
        }
        this.deps.metrics?.outboxDepth.set(depth);
        await this.nap(Math.max(5, napMs), lost);
      }
    } finally {
      await Promise.allSettled([...workers.values()]);
      this.deps.metrics?.outboxDepth.set(0);
    }
  }

  /** Attempts one delivery until the channel accepts or refuses it, or the lease is lost. */
  private async deliver(fence: LeaseFence, d: Delivery, lost: AbortSignal): Promise<void> {
    const { send, metrics, log, lease } = this.deps;
    const changes = await changesOf(this.deps.db.sql, d.outboxIds);
    let attempt = d.attempts;
    while (!lost.aborted && lease.fence?.token === fence.token) {
      attempt += 1;
      const message = {
        deliveryId: d.deliveryId,
        channel: d.channel,
        tenantName: d.tenantName,
        teamName: d.teamName,
        changes,
        sentAt: new Date().toISOString(),
      };
      const started = performance.now();
      const failed = (error: string): DeliveryResult => ({
        ok: false,
        status: null,
        error,
        retryable: true,
        durationMs: performance.now() - started,
      });
      // A send that ignores the signal must not keep a lost lease's work alive.
      // raceAbort removes its listener once decided: `lost` lives for the whole lease.
      const result = await raceAbort(
        send(d.channel, message, lost).catch((err) => failed(err instanceof Error ? err.message : String(err))),
        lost,
        () => failed('lease lost during the attempt'),
      );
      const outcome = result.ok ? 'delivered' : result.retryable ? 'retry' : 'refused';
      const dropped = await recordAttempt(this.deps.db, fence, d, attempt, result, outcome);
      if (result.ok) {
        metrics?.deliveries.inc({ channel: d.channel });
        return;
      }
      metrics?.deliveryFailures.inc({ channel: d.channel, kind: result.retryable ? 'retryable' : 'permanent' });
      const fields = {
        channel: d.channel,
        deliveryId: d.deliveryId,
        attempt,
        status: result.status,
        error: result.error,
      };
      if (!result.retryable) {
        metrics?.outboxDropped.inc({ reason: 'refused' }, dropped);
        log?.warn({ ...fields, dropped }, 'alert delivery refused by the channel: given up');
        return;
      }
      const delayMs = backoffMs(attempt, this.opts.retryBaseMs, this.opts.retryCapMs);
      log?.warn({ ...fields, retryInMs: delayMs }, 'alert delivery failed: will retry');
      await sleep(delayMs, lost);
    }
  }

  /** Sleeps `ms`, cut short by `poke`, a finished delivery or the lease's loss. */
  private async nap(ms: number, lost: AbortSignal): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return;
    }
    const cut = new AbortController();
    const onLost = () => cut.abort();
    lost.addEventListener('abort', onLost, { once: true });
    this.wake = () => cut.abort();
    await sleep(ms, cut.signal);
    lost.removeEventListener('abort', onLost);
    this.wake = null;
  }
}

function byChannel(rows: readonly PendingRow[]): Map<string, PendingRow[]> {
  const out = new Map<string, PendingRow[]>();
  for (const r of rows) {
    const list = out.get(r.channel);
    if (list) list.push(r);
    else out.set(r.channel, [r]);
  }
  return out;
}
