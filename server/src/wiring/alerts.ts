import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { IngestAvailability } from '../alerts/availability.js';
import { channelSend } from '../alerts/channel-send.js';
import { type ChannelDeps, channelDeps } from '../alerts/channels/deps.js';
import type { ChannelWriteDeps } from '../alerts/channels/stored.js';
import { type AlertConfigSource, emptyConfigSource } from '../alerts/engine-types.js';
import { AlertEvaluator } from '../alerts/evaluator.js';
import { jsonConfigSource } from '../alerts/json-config.js';
import { PgLease } from '../alerts/lease.js';
import { createAlertMetrics, createEvaluationMetrics } from '../alerts/metrics.js';
import { loadSecretKey, secretBox } from '../alerts/secrets.js';
import { OutboxSender } from '../alerts/sender.js';
import type { BudgetState } from '../budget/state.js';
import type { CacheCoordinator } from '../cache/coordinator.js';
import type { DatabaseGate } from '../db/gate.js';
import { demoAlertConfig, startDemoReceiver } from '../demo/alerts.js';
import type { Config } from '../platform/config.js';
import type { Metrics } from '../platform/metrics.js';
import type { PolicyStore } from '../policy/store.js';

/** What alerting is wired from: the pod's services, and optionally the configuration source. */
export type AlertingParts = {
  config: Config;
  db: DatabaseGate;
  log: Logger;
  metrics: Metrics;
  cache: CacheCoordinator;
  budgets: BudgetState;
  policy: PolicyStore;
  /** Where rules, channels and silences come from; default: ALERT_CONFIG_JSON, else the demo's (demo on), else none. */
  source?: AlertConfigSource | undefined;
};

/** Lease grants last 10 s (renewed every ~3.3 s), so a killed holder is replaced within about 10 s. */
const LEASE_TTL_MS = 10_000;
/** How long a starting pod may take to reach PostgreSQL before that counts as ingest being unavailable. */
const START_PATIENCE_MS = 15_000;

/**
 * Starts alerting on this pod: the evaluator (under the `alert-evaluation` lease) and the
 * outbox sender (under `alert-sender`), both PostgreSQL leases, so one of each runs across the
 * fleet, with Redis down too, and in embedded mode in the one process. Every pod follows its
 * change feed to trigger a prompt evaluation and samples the database gate for ingest
 * availability; only lease holders act. Returns the stop, which releases both leases (SIGTERM:
 * another pod takes over at once rather than after the ttl).
 * @throws Error when ALERT_CONFIG_JSON is not a valid configuration (the pod fails fast).
 */
export async function startAlerting(p: AlertingParts): Promise<() => Promise<void>> {
  const { config, db, log } = p;
  const key = await loadSecretKey(config);
  const box = key ? secretBox(key) : null;
  const closers: (() => Promise<void> | void)[] = [];
  let channel: ChannelDeps = channelDeps(config);
  let source = p.source;
  if (!source && config.ALERT_CONFIG_JSON) source = await jsonConfigSource(config.ALERT_CONFIG_JSON, { channel, box });
  if (!source && config.demo) {
    const receiver = await startDemoReceiver(log);
    closers.push(receiver.close);
    channel = channelDeps({
      ...config,
      ALERT_ALLOWED_TARGETS: [...(config.ALERT_ALLOWED_TARGETS ?? []), receiver.allowed],
    });
    const deps: ChannelWriteDeps = { channel, box };
    source = await demoAlertConfig(receiver.url, deps);
  }
  source ??= emptyConfigSource;
  const holder = `${config.podId}:${randomBytes(4).toString('hex')}`;
  const lease = (name: string) => new PgLease(db, { name, holder, ttlMs: LEASE_TTL_MS, log });
  const alertMetrics = createAlertMetrics(p.metrics.registry);
  const sender = new OutboxSender(
    {
      db,
      lease: lease('alert-sender'),
      send: channelSend({ source, box, channel, sql: db.sql, log }),
      metrics: alertMetrics,
      log,
    },
    { groupIntervalMs: config.ALERT_GROUP_INTERVAL_MS },
  );
  const availability = new IngestAvailability();
  // Connecting at start (and migrating) is not an outage: only a database still not reached after
  // START_PATIENCE_MS, or lost after it was reached, holds stale rules back.
  const started = Date.now();
  closers.push(availability.watch(() => db.available || (!db.isOpen && Date.now() - started < START_PATIENCE_MS)));
  const evaluator = new AlertEvaluator(
    {
      db,
      lease: lease('alert-evaluation'),
      source,
      view: p.cache.view,
      book: p.budgets.book,
      loaded: () => p.cache.isInitialized && p.budgets.loaded,
      policy: p.policy,
      availability,
      onQueued: () => sender.poke(),
      metrics: { alerts: alertMetrics, evaluation: createEvaluationMetrics(p.metrics.registry) },
      log,
    },
    {
      intervalMs: config.ALERT_EVALUATION_INTERVAL_SECONDS * 1_000,
      graceMs: config.ALERT_STALE_GRACE_SECONDS * 1_000,
      staleAfterMs: config.STALE_AFTER_MINUTES * 60_000,
      outboxMax: config.ALERT_OUTBOX_MAX,
    },
  );
  closers.push(p.cache.feed.subscribe(() => evaluator.changed()));
  evaluator.start();
  sender.start();
  return async () => {
    await Promise.all([evaluator.stop(), sender.stop()]);
    for (const close of closers.reverse()) await close();
  };
}
