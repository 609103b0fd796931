import type { TenantSettings } from '@sla/shared';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Db } from '../db/sql.js';
import type { ScopedWindow } from '../domain/budget/index.js';
import { readPolicy } from './pg-policy.js';
import {
  effectiveSettings,
  type PolicyCopy,
  type SettingsDefaults,
  type SettingsOverride,
  type WindowRecord,
} from './types.js';

/** What the store needs of Redis (absent in memory mode): the announcement channel and the mirror key. */
export type PolicyRedis = {
  /** PUBLISH on the policy channel (`<prefix>policy`). */
  publish(message: string): Promise<void>;
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<unknown>;
};

/** `<prefix>policy`: "policy changed, re-read it" from the pod that wrote. */
export const ZPolicyMessage = z.object({ kind: z.literal('policy'), pod: z.string(), at: z.number() });

/** The mirror of the last copy read from PostgreSQL, for pods that start while it is away. */
const ZMirror = z.object({ savedAt: z.number(), copy: z.custom<PolicyCopy>((v) => isCopy(v)) });
const isCopy = (v: unknown): v is PolicyCopy =>
  typeof v === 'object' &&
  v !== null &&
  Array.isArray((v as PolicyCopy).settings) &&
  Array.isArray((v as PolicyCopy).windows);

/**
 * The safety net: a missed announcement is caught up within this. Without Redis nothing is
 * announced between pods, so they re-read often; with Redis every write is announced (and a
 * reconnected subscriber re-reads), so idle pods stay off PostgreSQL (docs/budgets.md).
 */
const RELOAD_MS = { announced: 300_000, unannounced: 30_000 };
/** Until the first PostgreSQL read succeeded (the copy came from Redis, or nothing yet), it is retried this often. */
const RETRY_MS = 2_000;

export type PolicyStoreDeps = {
  db: Pick<Db, 'snapshotTx'>;
  redis: PolicyRedis | null;
  /** The pod's Redis key prefix: the mirror is `<prefix>policy:copy`. */
  prefix: string;
  podId: string;
  defaults: SettingsDefaults;
  log: Logger;
};

/**
 * Every pod's in-memory copy of all tenant settings and maintenance windows, what budgets,
 * reports and window reads use. Kept current across pods: a write on any pod reloads that
 * pod's copy and announces it on Redis pub/sub, and the others re-read from PostgreSQL;
 * every 30 s each pod re-reads anyway (a missed message). The last copy read from PostgreSQL
 * is mirrored in Redis, so a pod that starts while PostgreSQL is away still has it. Without
 * Redis (memory mode) only the local reload and the periodic one apply.
 * `version` grows by one on every change of the copy (not on a re-read that found nothing new).
 */
export class PolicyStore {
  private copy: PolicyCopy = { settings: [], windows: [] };
  private json = JSON.stringify(this.copy);
  private byTenant = new Map<string, SettingsOverride>();
  private listeners = new Set<() => void>();
  private scoped: { version: number; windows: readonly ScopedWindow[] } = { version: -1, windows: [] };
  private timer: NodeJS.Timeout | null = null;
  private loadedFromPostgres = false;
  private reloading: Promise<void> | null = null;
  private again = false;
  private closed = false;
  /** Bumped on every change of the copy; readers cache by it. */
  version = 0;
  /** Where the copy came from last: PostgreSQL, the Redis mirror, or nowhere yet. */
  source: 'postgres' | 'redis' | 'none' = 'none';

  constructor(private readonly d: PolicyStoreDeps) {}

  private get mirrorKey(): string {
    return `${this.d.prefix}policy:copy`;
  }

  /** The effective settings of a tenant (its overrides, else the global defaults). */
  settingsOf(tenantName: string): TenantSettings {
    return effectiveSettings(tenantName, this.byTenant.get(tenantName), this.d.defaults);
  }

  /** A tenant's stored overrides, or undefined. */
  overridesOf(tenantName: string): SettingsOverride | undefined {
    return this.byTenant.get(tenantName);
  }

  /** Every live window (ascending id), times as epoch ms. Do not mutate. */
  windows(): readonly WindowRecord[] {
    return this.copy.windows;
  }

  /** The live windows as the budget math takes them (`domain/budget` `ScopedWindow`), rebuilt once per version. */
  scopedWindows(): readonly ScopedWindow[] {
    if (this.scoped.version !== this.version)
      this.scoped = {
        version: this.version,
        windows: this.copy.windows.map((w) => ({
          start: w.start,
          end: w.end,
          rrule: w.rrule,
          timeZone: w.timeZone,
          until: w.until,
          category: w.category,
          scope: { tenantName: w.tenantName, teamName: w.teamName, entityType: w.entityType, entityId: w.entityId },
        })),
      };
    return this.scoped.windows;
  }

  /** Calls `fn` after every change of the copy (after `version` moved). Returns the unsubscribe. */
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /**
   * Loads the copy — from PostgreSQL, else from the Redis mirror — and starts the periodic
   * re-read. Never throws: with neither reachable the copy stays empty and is retried.
   */
  async start(): Promise<void> {
    await this.reload().catch(() => undefined);
    if (!this.loadedFromPostgres) await this.loadMirror();
    this.schedule();
  }

  /**
   * Re-reads PostgreSQL now (coalescing concurrent calls: one more read runs after the one in
   * flight) and mirrors what it read to Redis.
   * @throws DatabaseUnavailable when PostgreSQL is away (the copy is kept).
   */
  reload(): Promise<void> {
    if (this.reloading !== null) {
      this.again = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      try {
        do {
          this.again = false;
          const copy = await readPolicy(this.d.db.snapshotTx);
          this.loadedFromPostgres = true;
          this.replace(copy, 'postgres');
          await this.d.redis
            ?.set(this.mirrorKey, JSON.stringify({ savedAt: Date.now(), copy }))
            .catch((err: Error) => this.d.log.debug({ err: err.message }, 'policy mirror not written'));
        } while (this.again);
      } finally {
        this.reloading = null;
      }
    })();
    return this.reloading;
  }

  /** After this pod changed a window or settings (committed): reload, then tell the other pods. */
  async changed(): Promise<void> {
    await this.reload().catch((err: Error) =>
      this.d.log.warn({ err: err.message }, 'policy reload after a write failed'),
    );
    await this.d.redis
      ?.publish(JSON.stringify({ kind: 'policy', pod: this.d.podId, at: Date.now() }))
      .catch((err: Error) =>
        this.d.log.warn({ err: err.message }, 'policy change not announced; pods re-read within 30 s'),
      );
  }

  /** A raw message on the policy channel: another pod's change is re-read from PostgreSQL. */
  heard(raw: string): void {
    let msg: z.infer<typeof ZPolicyMessage>;
    try {
      msg = ZPolicyMessage.parse(JSON.parse(raw));
    } catch {
      this.d.log.warn({ size: raw.length }, 'dropped a malformed policy message');
      return;
    }
    if (msg.pod === this.d.podId) return;
    void this.reload().catch((err: Error) => this.d.log.warn({ err: err.message }, 'policy reload failed'));
  }

  /** The subscriber was away: messages may have been missed. */
  missed(): void {
    void this.reload().catch(() => undefined);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = setTimeout(
      () => {
        void this.reload()
          .catch((err: Error) => this.d.log.debug({ err: err.message }, 'policy re-read failed'))
          .finally(() => this.schedule());
      },
      this.loadedFromPostgres ? (this.d.redis ? RELOAD_MS.announced : RELOAD_MS.unannounced) : RETRY_MS,
    );
    this.timer.unref();
  }

  private async loadMirror(): Promise<void> {
    const raw = await this.d.redis?.get(this.mirrorKey).catch(() => null);
    if (!raw || this.loadedFromPostgres) return;
    try {
      const mirror = ZMirror.parse(JSON.parse(raw));
      this.replace(mirror.copy, 'redis');
      this.d.log.info(
        { windows: mirror.copy.windows.length, savedAt: new Date(mirror.savedAt).toISOString() },
        'policy loaded from the redis mirror (postgresql unreachable)',
      );
    } catch {
      this.d.log.warn('the redis policy mirror is malformed; ignored');
    }
  }

  private replace(copy: PolicyCopy, source: 'postgres' | 'redis'): void {
    this.source = source;
    const json = JSON.stringify(copy);
    if (json === this.json) return;
    this.copy = copy;
    this.json = json;
    this.byTenant = new Map(copy.settings.map((s) => [s.tenantName, s]));
    this.version++;
    for (const fn of this.listeners) fn();
  }
}
