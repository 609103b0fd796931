import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { IngestAvailability } from '../alerts/availability.js';
import { channelSend } from '../alerts/channel-send.js';
import { type ChannelDeps, channelDeps } from '../alerts/channels/deps.js';
import type { ChannelWriteDeps } from '../alerts/channels/stored.js';
import { cachedConfigSource, onConfigChange } from '../alerts/config-cache.js';
import { loadAlertConfig } from '../alerts/config-store.js';
import { holdAlerting } from '../alerts/duty.js';
import { AlertEvaluator } from '../alerts/evaluator.js';
import { PgLease } from '../alerts/lease.js';
import { createAlertMetrics, createEvaluationMetrics } from '../alerts/metrics.js';
import { loadSecretKey, secretBox } from '../alerts/secrets.js';
import { OutboxSender } from '../alerts/sender.js';
import type { BudgetState } from '../budget/state.js';
import type { CacheCoordinator } from '../cache/coordinator.js';
import type { DatabaseGate } from '../db/gate.js';
import { seedDemoAlerting, startDemoReceiver } from '../demo/alerts.js';
import { sleep } from '../platform/backoff.js';
import type { Config } from '../platform/config.js';
import type { Metrics } from '../platform/metrics.js';
import type { PolicyStore } from '../policy/store.js';

/** What alerting is wired from: the pod's services. */
export type AlertingParts = {
  config: Config;
  db: DatabaseGate;
  log: Logger;
  metrics: Metrics;
  cache: CacheCoordinator;
  budgets: BudgetState;
  policy: PolicyStore;
};

/** How long shutdown waits for the evaluator and sender to stop, at most (a third of SHUTDOWN_TIMEOUT_MS when less). */
const STOP_PATIENCE_MS = 5_000;
/** How long a starting pod may take to reach PostgreSQL before that counts as ingest being unavailable. */
const START_PATIENCE_MS = 15_000;

/**
 * Starts alerting on this pod: the evaluator and the outbox sender, both run by the holder of
 * the one `alerting` PostgreSQL lease (ALERT_LEASE_TTL_SECONDS, renewed every third of it), so
 * one of each runs across the fleet, with Redis down too, and in embedded mode in the one
 * process. The configuration is read from the tables (`loadAlertConfig`, one transaction) at
 * most every ALERT_CONFIG_REFRESH_SECONDS, and at once after this pod's API wrote it. With demo
 * data on, the demo's channel and rule are seeded into the tables first. Every pod follows its
 * change feed to trigger a prompt evaluation and samples the database gate for ingest
 * availability; only the lease holder acts. Returns the stop, which releases the lease (expires
 * it; the other pods, which ask only when the grant they saw runs out, take over within the ttl,
 * as after a kill).
 */
export async function startAlerting(p: AlertingParts): Promise<() => Promise<void>> {
  const { config, db, log } = p;
  const key = await loadSecretKey(config);
  const box = key ? secretBox(key) : null;
  const closers: (() => Promise<void> | void)[] = [];
  let channel: ChannelDeps = channelDeps(config);
  if (config.demo) {
    const receiver = await startDemoReceiver(log);
    closers.push(receiver.close);
    channel = channelDeps({
      ...config,
      ALERT_ALLOWED_TARGETS: [...(config.ALERT_ALLOWED_TARGETS ?? []), receiver.allowed],
    });
    const deps: ChannelWriteDeps = { channel, box };
    // The demo must not keep a pod from starting: without the seed it just shows no demo alert.
    await seedDemoAlerting(db, receiver.url, deps).catch((err) =>
      log.warn({ err }, 'demo alerting configuration not seeded'),
    );
  }
  const cached = cachedConfigSource(
    () => db.tx((sql) => loadAlertConfig(sql)),
    config.ALERT_CONFIG_REFRESH_SECONDS * 1_000,
  );
  const source = cached.source;
  const holder = `${config.podId}:${randomBytes(4).toString('hex')}`;
  const lease = new PgLease(db, { name: 'alerting', holder, ttlMs: config.ALERT_LEASE_TTL_SECONDS * 1_000, log });
  const alertMetrics = createAlertMetrics(p.metrics.registry);
  const sender = new OutboxSender(
    {
      db,
      lease,
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
  // An empty push is the feed's reset (anything may have changed): a full cycle.
  closers.push(
    p.cache.feed.subscribe((changes) =>
      evaluator.changed(changes.length === 0 ? undefined : changes.filter((c) => c.applied).map((c) => c.entityId)),
    ),
  );
  closers.push(
    onConfigChange(() => {
      cached.invalidate();
      evaluator.changed();
    }),
  );
  const stopper = new AbortController();
  const running = holdAlerting(
    lease,
    stopper.signal,
    [(fence, lost) => evaluator.work(fence, lost), (fence, lost) => sender.work(fence, lost)],
    log,
  );
  return async () => {
    stopper.abort();
    // Bounded: a work stuck on an unanswered query must not hold the pod's shutdown; the lease
    // then runs out by itself (ALERT_LEASE_TTL_SECONDS) and the fencing token stops late writes.
    const patienceMs = Math.min(STOP_PATIENCE_MS, Math.floor(config.SHUTDOWN_TIMEOUT_MS / 3));
    const stopped = await Promise.race([running.then(() => true), sleep(patienceMs).then(() => false)]);
    if (!stopped) log.warn({ ms: patienceMs }, 'alerting did not stop in time; its lease runs out by itself');
    for (const close of closers.reverse()) await close();
  };
}
