import type { FleetPod } from '@sla/shared';
import type { Logger } from 'pino';
import type { ChangeFollower } from '../changelog/follower.js';
import type { Sql } from '../db/sql.js';
import { sleep } from '../platform/backoff.js';
import { every } from '../platform/every.js';
import type { Metrics } from '../platform/metrics.js';
import { fleetView, heartbeatTtlMs, selfLag } from './fleet.js';
import { formatHeartbeat, type HeartbeatMessage, parseMessage, ZHeartbeatMessage } from './messages.js';
import { PgFleetRegistry } from './pg-fleet-registry.js';
import { RedisFleetRegistry } from './redis/fleet-registry.js';
import type { RedisLink } from './redis/link.js';

export type HeartbeatDeps = {
  podId: string;
  version: string;
  intervalMs: number;
  /** The changes channel the heartbeat is published on (with the change runs). */
  channel: string;
  prefix: string;
  redis: RedisLink | null;
  sql: Sql;
  log: Logger;
  metrics: Metrics;
  follower: ChangeFollower;
  mode: () => 'redis' | 'memory';
  /** Whether PostgreSQL answered the pod's last query: while it does not, the row is not written (the view ages out). */
  databaseAvailable: () => boolean;
};

/**
 * A heard head this long ahead of the follower is a gap: the runs a heartbeat follows are
 * published just before it, so this only waits out one in flight.
 */
const GAP_GRACE_MS = 200;
/** Longest `close` waits for a beat in flight before removing this pod's entry. */
const CLOSE_WAIT_MS = 500;

/**
 * This pod's heartbeat and its view of the fleet. Every `intervalMs` it publishes one
 * heartbeat on the changes channel (when Redis is up), stores it where the fleet is listed
 * — a Redis key with a TTL in redis mode, a PostgreSQL row otherwise — and reads the fleet
 * back from there. Heartbeats heard on the channel refresh the view between reads. A
 * heartbeat whose head is ahead of this pod (heard, or read from the registry when the
 * subscriber is silent) makes the follower catch up from the log.
 * `pods()` answers from memory: status never waits on Redis or PostgreSQL.
 */
export class Heartbeat {
  readonly startedAt = new Date().toISOString();
  private readonly beats = new Map<string, HeartbeatMessage>();
  private readonly redisRegistry: RedisFleetRegistry | null;
  private readonly pgRegistry: PgFleetRegistry;
  private stop: (() => void) | null = null;
  private gapTimer: NodeJS.Timeout | null = null;
  private subscribers = 0;
  private inFlight: Promise<void> | null = null;
  /** Every heartbeat seen within the TTL (this pod's own included): the fleet's head over time, for the lag. */
  private recent: HeartbeatMessage[] = [];

  constructor(private readonly d: HeartbeatDeps) {
    this.redisRegistry = d.redis ? new RedisFleetRegistry(d.redis.cmd, d.prefix) : null;
    this.pgRegistry = new PgFleetRegistry(d.sql);
  }

  private get ttlMs(): number {
    return heartbeatTtlMs(this.d.intervalMs);
  }

  /** Starts beating (the first beat at once). */
  start(): void {
    this.stop ??= every(
      this.d.intervalMs,
      () => this.beatOnce(),
      (err) => this.d.log.debug({ err: (err as Error).message }, 'heartbeat failed; will retry'),
    );
    void this.beatOnce().catch(() => undefined);
  }

  /** One beat at a time (the first one runs beside the timer); close waits for the one in flight. */
  private beatOnce(): Promise<void> {
    this.inFlight ??= this.beat().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  /** The fleet as last known, this pod's current state included (see fleet.ts for the lag). */
  pods(now = Date.now()): FleetPod[] {
    const own = this.own(now);
    return fleetView([...this.beats.values(), own], now, this.ttlMs, [...this.recent, own]);
  }

  /** A heartbeat heard on the changes channel (raw JSON); another pod's head ahead of ours starts a catch-up. */
  heard(raw: string): void {
    const m = parseMessage(ZHeartbeatMessage, raw, 'changes', this.d.log);
    if (!m || m.pod === this.d.podId) return;
    this.remember(m);
  }

  /** Stops beating and removes this pod from the registry, so it leaves the list now rather than after the TTL. */
  async close(): Promise<void> {
    this.stop?.();
    this.stop = null;
    if (this.gapTimer) clearTimeout(this.gapTimer);
    // A beat still writing would put the entry back after the removal; a frozen Redis must not hold shutdown, though.
    const inFlight = this.inFlight;
    if (inFlight !== null) await Promise.race([inFlight.catch(() => undefined), sleep(CLOSE_WAIT_MS)]);
    const { podId, redis } = this.d;
    await Promise.allSettled([
      redis?.isUp ? this.redisRegistry?.remove(podId) : undefined,
      this.d.mode() === 'memory' && this.d.databaseAvailable() ? this.pgRegistry.remove(podId) : undefined,
    ]);
  }

  /** One beat: publish, store, read the fleet back, update the gauges. */
  private async beat(): Promise<void> {
    await this.countSubscribers();
    const now = Date.now();
    const own = this.own(now);
    const json = formatHeartbeat(own);
    this.recent = this.recent.filter((b) => now - Date.parse(b.at) <= this.ttlMs);
    this.recent.push(own);
    const { redis, podId } = this.d;
    const viaRedis = own.mode === 'redis' && redis?.isUp && this.redisRegistry;
    try {
      // A failed publish (a subscriber-only fault, a channel ACL) must not keep the pod out of the registry.
      if (redis?.isUp)
        await redis
          .publish(this.d.channel, json)
          .catch((err) => this.d.log.debug({ err: (err as Error).message }, 'heartbeat publish failed'));
      if (viaRedis)
        this.replaceFleet(
          await this.redisRegistry.write(podId, json, this.ttlMs).then(() => this.redisRegistry?.read() ?? []),
        );
      else if (this.d.databaseAvailable())
        this.replaceFleet(
          await this.pgRegistry.write(podId, json, now).then(() => this.pgRegistry.read(now, this.ttlMs)),
        );
      else this.forgetExpired(now);
    } finally {
      this.setGauges(now);
    }
  }

  /** The registry is the fleet: a pod no longer in it (stopped, or expired) leaves the view now. */
  private replaceFleet(raws: string[]): void {
    const listed = new Set<string>();
    for (const raw of raws) {
      const m = parseMessage(ZHeartbeatMessage, raw, 'fleet registry', this.d.log);
      if (!m || m.pod === this.d.podId) continue;
      listed.add(m.pod);
      this.remember(m);
    }
    for (const id of this.beats.keys()) if (!listed.has(id)) this.beats.delete(id);
  }

  private forgetExpired(now: number): void {
    for (const [id, b] of this.beats) if (now - Date.parse(b.at) > this.ttlMs) this.beats.delete(id);
  }

  private remember(m: HeartbeatMessage): void {
    this.recent.push(m);
    const seen = this.beats.get(m.pod);
    if (!seen || seen.at <= m.at) this.beats.set(m.pod, m);
    if (m.headId > this.d.follower.applied) this.gapSoon(m.headId);
  }

  /** Catches up once the head is still ahead after GAP_GRACE_MS (this call is the heartbeat's gap detection). */
  private gapSoon(headId: number): void {
    if (this.gapTimer) return;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = null;
      if (this.d.follower.applied < headId)
        this.d.follower
          .catchUp()
          .catch((err) => this.d.log.debug({ err: (err as Error).message }, 'gap catch-up failed'));
    }, GAP_GRACE_MS);
    this.gapTimer.unref();
  }

  private own(now: number): HeartbeatMessage {
    const applied = this.d.follower.applied;
    const heads = [...this.beats.values()].map((b) => b.headId);
    return {
      kind: 'heartbeat',
      pod: this.d.podId,
      version: this.d.version,
      mode: this.d.mode(),
      headId: applied,
      lagChanges: selfLag(applied, heads),
      subscribers: this.subscribers,
      startedAt: this.startedAt,
      at: new Date(now).toISOString(),
    };
  }

  /** WebSocket subscribers of this pod, from the gauge live/subscribe.ts keeps (read at each beat). */
  private async countSubscribers(): Promise<void> {
    const values = (await this.d.metrics.wsSubscribers.get()).values;
    this.subscribers = Math.max(
      0,
      values.reduce((n, v) => n + v.value, 0),
    );
  }

  private setGauges(now: number): void {
    const pods = this.pods(now);
    for (const mode of ['redis', 'memory'] as const)
      this.d.metrics.fleetPods.set({ mode }, pods.filter((p) => p.mode === mode).length);
    this.d.metrics.fleetMaxLag.set(pods.reduce((max, p) => Math.max(max, p.lag), 0));
  }
}
