/**
 * Alerting: (1) CPU of one evaluation cycle over 100,000 entities × 3 rules (burn rate with the
 * default tiers, Failed for 5 min, stale for 60 min), in memory; (2) ingest latency at 500
 * updates/s (100 requests/s of 5 updates, open loop) against a pod with those rules on its
 * entities vs the same pod with no rules; (3) time from a breaching update's 2xx to the webhook
 * receiver getting the firing change, with ALERT_GROUP_INTERVAL_MS=0 (grouping excluded),
 * probed while (2)'s load runs. The pods run the production bundle, one after the other. Needs
 * PostgreSQL (TEST_DATABASE_URL). Part of `pnpm bench`; alone:
 *
 *   cd server && node scripts/build.mjs && npx tsx bench/alerts.bench.ts [--quick]   # quick: 5,000 entities in memory, 2,000 in the pod, 2 s loads
 *   BENCH_PROFILE=/tmp/prof npx tsx bench/alerts.bench.ts && npx tsx bench/ingest-profile.ts /tmp/prof   # where the pod's CPU goes (frames of dist/main.js)
 */
import pg from 'pg';
import { channelDeps } from '../src/alerts/channels/deps.js';
import { upsertAlertConfig } from '../src/alerts/config-upsert.js';
import { loadConfig } from '../src/platform/config.js';
import { openDb } from '../test/integration/alerts/helpers.js';
import { startReceiver } from '../test/support/alert-receiver.js';
import { dropSchema, PG_URL, type PodProcess, post, uniqueSchema } from '../test/support/app.js';
import { migratedSchema, seedEntities } from '../test/support/seed.js';
import { benchRules, cycleCpu, INCREMENTAL_IDS } from './alerts-cycle.js';
import { fmt, keepAliveAgent, openLoop, percentile, postJson } from './ingest-load.js';
import { startPodProcess } from './ingest-pods.js';
import { isEntry, mdTable } from './util.js';

const TENANT = 'Bulk';
const UPDATES_PER_REQUEST = 5;
const REQUESTS_PER_SECOND = 100;

/**
 * The ingest latencies (ms) of an open loop at 500 updates/s over `entities` seeded entities;
 * requests that failed (non-2xx or a connection error) are counted in `failed`, not thrown,
 * so one reset socket does not end the run (the table reports them).
 */
async function ingestLoad(
  url: string,
  entities: number,
  seconds: number,
): Promise<number[] & { failed?: number; firstError?: string }> {
  const agent = keepAliveAgent(64);
  const latencies: number[] & { failed?: number; firstError?: string } = [];
  latencies.failed = 0;
  await openLoop(REQUESTS_PER_SECOND, seconds, async (seq) => {
    const updates = Array.from({ length: UPDATES_PER_REQUEST }, (_, i) => {
      const id = ((seq * UPDATES_PER_REQUEST + i) % entities) + 1;
      const failed = (seq + i) % 40 === 0;
      return {
        tenantName: TENANT,
        teamName: `team-${id % 12}`,
        entityType: 'table',
        entityName: `entity_${id}`,
        currentSla: failed ? 80 : 99.5,
        status: failed ? 'Failed' : 'Passed',
        observedAt: new Date().toISOString(),
      };
    });
    const t = performance.now();
    const r = await postJson(agent, `${url}/api/cache/incremental-updates`, JSON.stringify({ updates }), {}).catch(
      (err: Error) => ({ status: 0, body: err.message }),
    );
    if (r.status >= 200 && r.status < 300) latencies.push(performance.now() - t);
    else {
      latencies.failed = (latencies.failed ?? 0) + 1;
      latencies.firstError ??= `${r.status} ${r.body.slice(0, 120)}`;
    }
  });
  agent.destroy();
  return latencies;
}

/** Waits until the pod has run a full evaluation cycle and its alert outbox is empty; ms since `since` and messages sent. */
async function outboxDrained(url: string, since: number, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const metrics = await fetch(`${url}/metrics`).then((r) => r.text());
    const depth = Number(/^sla_alert_outbox_depth (\S+)$/m.exec(metrics)?.[1] ?? Number.NaN);
    const full = Number(/^sla_alert_evaluation_seconds_count\{cycle="full"\} (\S+)$/m.exec(metrics)?.[1] ?? 0);
    const messages = [...metrics.matchAll(/^sla_alert_deliveries_total\{[^}]*\} (\S+)$/gm)].reduce(
      (n, m) => n + Number(m[1]),
      0,
    );
    if (full > 0 && depth === 0) return { ms: Date.now() - since, messages };
    if (Date.now() > until) throw new Error(`alert outbox not drained in ${timeoutMs / 1000} s (depth ${depth})`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** How many alerts fire in `schema` (every full cycle re-decides each of them). */
async function firingAlerts(schema: string): Promise<number> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    const r = await client.query(`SELECT count(*)::int AS n FROM "${schema}".sla_alert WHERE state = 'firing'`);
    return Number(r.rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

/** Flips probe entities to Failed one at a time and measures 2xx → receipt of the firing change (ms). */
async function probeLatency(url: string, receiver: Awaited<ReturnType<typeof startReceiver>>, probes: number) {
  const out: number[] = [];
  // Probe 0 is a warm-up (the first cycle waits for the budget book to load): not counted.
  for (let i = 0; i <= probes; i++) {
    const name = `probe_${i}`;
    const body = (status: string) => ({
      updates: [
        { tenantName: TENANT, teamName: 'probe', entityType: 'table', entityName: name, currentSla: 80, status },
      ],
    });
    const res = await post(url, '/api/cache/incremental-updates', body('Failed'));
    const okAt = Date.now();
    if (res.status >= 300) throw new Error(`probe ingest answered ${res.status}`);
    const until = okAt + 15_000;
    for (;;) {
      const hit = receiver.received.find((m) => m.message.changes.some((c) => c.entity?.name === name));
      if (hit) {
        if (i > 0) out.push(hit.at - okAt);
        break;
      }
      if (Date.now() > until) {
        const metrics = await fetch(`${url}/metrics`).then(
          (r) => r.text(),
          () => '',
        );
        const depth = /^sla_alert_outbox_depth (\S+)$/m.exec(metrics)?.[1] ?? '?';
        const cycles = metrics.match(/^sla_alert_evaluation_seconds_count\{[^}]*\} \S+$/gm)?.join(', ') ?? 'none';
        throw new Error(
          `no webhook for ${name} within 15 s (receiver has ${receiver.received.length} messages; outbox depth ${depth}; cycles: ${cycles})`,
        );
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  return out;
}

export async function run({ quick }: { quick: boolean }) {
  const entities = quick ? 5_000 : 100_000;
  const stage = (what: string) => console.log(`alerts bench: ${what}`);
  const cycle = await cycleCpu(entities, quick ? 3 : 10);
  stage('evaluation cycles measured');
  const podEntities = quick ? 2_000 : 100_000;
  const seconds = quick ? 2 : 30;
  // Two schemas, one pod each (the pod without rules must not hold the other's leases).
  const schemas = [uniqueSchema('bench_alerts_off'), uniqueSchema('bench_alerts_on')];
  const receiver = await startReceiver();
  for (const schema of schemas) {
    await migratedSchema(schema);
    await seedEntities(schema, podEntities, TENANT);
  }
  stage(`${podEntities} entities seeded`);
  const env = (schema: string) => ({
    DATABASE_URL: PG_URL,
    DATABASE_SCHEMA: schema,
    LOG_LEVEL: process.env.BENCH_POD_LOG_LEVEL ?? 'warn',
    ALERT_GROUP_INTERVAL_MS: '0',
  });
  // The rules go into the "on" pod's tables before it starts (the tables are the engine's one source).
  const direct = await openDb(schemas[1] as string);
  const channel = channelDeps(loadConfig({ ALERT_ALLOWED_TARGETS: '127.0.0.1' }));
  await upsertAlertConfig(
    direct.db,
    {
      channels: [{ name: 'hook', tenantName: TENANT, kind: 'webhook', url: receiver.url }],
      rules: [
        ...benchRules(TENANT, ['hook']).map(({ id: _, ...r }) => ({ ...r, scope: { entityType: 'table' } })),
        {
          name: 'probe',
          tenantName: TENANT,
          kind: 'status',
          status: { to: 'Failed', forMinutes: 0 },
          scope: { teamName: 'probe' },
          channels: ['hook'],
        },
      ],
    },
    { channel, box: null },
  );
  await direct.close();
  const pods: PodProcess[] = [];
  try {
    // One pod at a time: the baseline's load must not share the machine with the other pod's
    // first evaluation. Both run the production bundle, as the image does.
    const offPod = await startPodProcess(env(schemas[0] as string), undefined, { bundle: true });
    pods.push(offPod);
    stage('pod without rules ready');
    // As long as the pod with rules is given for its first evaluation's storm: both loads
    // meet a pod past its start-up (the budget book loaded, the first allocations settled).
    await new Promise((r) => setTimeout(r, quick ? 2_000 : 30_000));
    const off = await ingestLoad(offPod.url, podEntities, seconds);
    offPod.kill('SIGTERM');
    await offPod.exited;
    stage('load without rules done');
    const onPod = await startPodProcess(
      { ...env(schemas[1] as string), ALERT_ALLOWED_TARGETS: '127.0.0.1' },
      process.env.BENCH_PROFILE, // a CPU profile of the pod with rules (written when it stops)
      { bundle: true },
    );
    pods.push(onPod);
    const readyAt = Date.now();
    stage('pod with rules ready');
    // The first full cycle fires an alert for every seeded entity that is Failed (10 %) or below
    // its target (81 %; seed.ts): a storm the probes would queue behind. Measured apart: how
    // long until the outbox is empty again.
    const storm = await outboxDrained(onPod.url, readyAt, 300_000);
    const firing = await firingAlerts(schemas[1] as string);
    stage(
      `first evaluation's storm delivered ${(storm.ms / 1000).toFixed(1)} s after ready (${storm.messages} messages, ${firing} alerts firing)`,
    );
    const [on, probes] = await Promise.all([
      ingestLoad(onPod.url, podEntities, seconds),
      probeLatency(onPod.url, receiver, quick ? 5 : 100).catch((err: Error) => {
        console.log(`alerts bench: the pod with rules said:\n${onPod.output().split('\n').slice(-40).join('\n')}`);
        throw err;
      }),
    ]);
    const figures = {
      entities,
      firstCycleCpuMs: Math.round(cycle.firstCpuMs),
      firstCycleChanges: cycle.firstChanges,
      stormDrainedMs: storm.ms,
      stormMessages: storm.messages,
      firingAlerts: firing,
      steadyCycleCpuMs: Math.round(cycle.steadyCpuMs),
      incrementalCycleCpuMs: cycle.incrementalCpuMs,
      ingestP99OffMs: percentile(off, 99),
      ingestP99OnMs: percentile(on, 99),
      addedIngestP99Ms: percentile(on, 99) - percentile(off, 99),
      ingestFailedOff: off.failed ?? 0,
      ingestFailedOn: on.failed ?? 0,
      webhookP50Ms: percentile(probes, 50),
      webhookP99Ms: percentile(probes, 99),
    };
    const table = mdTable(
      ['what', 'figure'],
      [
        [
          `full evaluation cycle, ${fmt(entities)} entities × 3 rules, first (fires ${fmt(cycle.firstChanges)})`,
          `${fmt(figures.firstCycleCpuMs)} ms CPU`,
        ],
        ['full evaluation cycle, steady (nothing changes)', `${fmt(figures.steadyCycleCpuMs)} ms CPU`],
        [
          `incremental evaluation cycle, ${INCREMENTAL_IDS} changed entities`,
          `${fmt(figures.incrementalCycleCpuMs, 1)} ms CPU`,
        ],
        [
          `first evaluation of ${fmt(podEntities)} entities (10 % Failed and 81 % Passed below target: their error budgets burn): its ${fmt(firing)} firing alerts delivered (${fmt(storm.messages)} messages; the outbox bound drops the oldest past 10,000)`,
          `${fmt(storm.ms / 1000, 1)} s after the pod was ready`,
        ],
        [`ingest p99 at 500 updates/s, ${fmt(podEntities)} entities, no rules`, `${fmt(figures.ingestP99OffMs, 1)} ms`],
        ['ingest p99 at 500 updates/s, 3 rules on every entity', `${fmt(figures.ingestP99OnMs, 1)} ms`],
        ['added ingest p99 (limit 25 ms)', `${fmt(figures.addedIngestP99Ms, 1)} ms`],
        [
          'ingest requests failed (no rules / with rules)',
          `${off.failed ?? 0} / ${on.failed ?? 0}${off.firstError || on.firstError ? ` (first: ${off.firstError ?? on.firstError})` : ''}`,
        ],
        [
          `2xx → webhook receipt p50 / p99 (${probes.length} probes, grouping interval 0, under the load above)`,
          `${fmt(figures.webhookP50Ms)} / ${fmt(figures.webhookP99Ms)} ms`,
        ],
      ],
    );
    return { ...figures, table };
  } finally {
    if (process.env.BENCH_PROFILE && pods[1]) {
      pods[1].kill('SIGTERM');
      await pods[1].exited;
    }
    // pods[0] has exited already (SIGTERM above); killing it again is harmless.
    for (const pod of pods) {
      pod.kill('SIGKILL');
      await pod.exited;
    }
    await receiver.close();
    for (const schema of schemas) await dropSchema(schema);
  }
}

if (isEntry(import.meta.url)) {
  const result = await run({ quick: process.argv.includes('--quick') });
  console.log(result.table);
  process.exit(0);
}
