import { type AlertRule, type Status, ZAlertRule } from '@sla/shared';
import { runCycle } from '../src/alerts/cycle.js';
import type { AlertConfig } from '../src/alerts/engine-types.js';
import type { AlertRecord } from '../src/domain/alerts/index.js';
import { appendResult } from '../src/domain/budget/timeline.js';
import type { Timeline } from '../src/domain/budget/types.js';
import { EntityView } from '../src/readmodel/view.js';

const M = 60_000;
const STALE_MS = 30 * M;
const TENANT = 'Bench';
/** Entities changed between two incremental cycles: one 200 ms debounce at 500 updates/s. */
export const INCREMENTAL_IDS = 100;

/** The three rules of the benchmark, for tenant `tenantName`: default burn-rate tiers, Failed for 5 min, stale for 60 min. */
export function benchRules(tenantName: string, channels: string[] = []): AlertRule[] {
  return [
    { id: 1, name: 'burn', tenantName, kind: 'burn_rate', channels },
    { id: 2, name: 'failed', tenantName, kind: 'status', status: { to: 'Failed', forMinutes: 5 }, channels },
    { id: 3, name: 'silent', tenantName, kind: 'stale', stale: { forMinutes: 60 }, channels },
  ].map((r) => ZAlertRule.parse(r));
}

/**
 * CPU of evaluation cycles over `n` entities × 3 rules, in memory (the evaluator's own cycle,
 * `runCycle`, without the database write): each entity has 3 days of results every 30 min
 * (the slowest default tier's long window), 2 % in a bad run, 1 % silent for 2 hours. The
 * first cycle (which fires the alerts) is reported apart from the steady full cycles after it,
 * and incremental cycles over `INCREMENTAL_IDS` entities (median of `cycles` each).
 */
export async function cycleCpu(n: number, cycles: number) {
  const now = Date.UTC(2026, 11, 1, 12);
  const view = new EntityView();
  const timelines: Timeline[] = [];
  for (let id = 1; id <= n; id++) {
    const bad = id % 50 === 0;
    const silent = id % 100 === 1;
    const last = silent ? now - 120 * M : now - (id % 30) * M;
    let t: Timeline | null = null;
    for (let at = now - 3 * 24 * 60 * M; at <= last; at += 30 * M) {
      const failing = bad && at > now - 90 * M;
      t = appendResult(
        t,
        { observedAt: at, status: failing ? 'Failed' : 'Passed', currentSla: failing ? 80 : 99.95, slaTarget: 99.9 },
        STALE_MS,
      );
    }
    timelines[id] = t as Timeline;
    const status: Status = bad ? 'Failed' : 'Passed';
    view.apply({
      id,
      tenantName: TENANT,
      teamName: `team-${id % 40}`,
      entityType: 'table',
      entityName: `entity_${id}`,
      slaTarget: 99.9,
      currentSla: bad ? 80 : 99.95,
      status,
      statusSince: bad ? now - 90 * M : now - 3 * 24 * 60 * M,
      observedAt: last,
      updatedAt: last,
      version: 1,
    });
  }
  const config: AlertConfig = { rules: benchRules(TENANT), channels: new Map(), silences: [] };
  const inputs = {
    view,
    book: { get: (id: number) => timelines[id] },
    noDataPolicyOf: () => 'exclude' as const,
    windows: [],
    staleAfterMs: STALE_MS,
    ingestUnavailableSince: null,
    ingestBackAt: null,
    graceMs: 300_000,
  };
  let records = new Map<string, AlertRecord>();
  const cpu = (since: NodeJS.CpuUsage) => {
    const d = process.cpuUsage(since);
    return (d.user + d.system) / 1000;
  };
  const c0 = process.cpuUsage();
  const first = await runCycle(config, records, inputs, now);
  const firstCpuMs = cpu(c0);
  records = first.next;
  const steady: number[] = [];
  for (let i = 1; i <= cycles; i++) {
    const c = process.cpuUsage();
    const r = await runCycle(config, records, inputs, now + i * 1000);
    steady.push(cpu(c));
    records = r.next;
  }
  steady.sort((a, b) => a - b);
  // Incremental cycles over the entities of one debounce at 500 updates/s (100 changed ids).
  const incremental: number[] = [];
  for (let i = 1; i <= cycles; i++) {
    const only = new Set(Array.from({ length: INCREMENTAL_IDS }, (_, k) => ((i * 7_919 + k * 104_729) % n) + 1));
    const c = process.cpuUsage();
    const r = await runCycle(config, records, inputs, now + (cycles + i) * 1000, only);
    incremental.push(cpu(c));
    records = r.next;
  }
  incremental.sort((a, b) => a - b);
  return {
    firstCpuMs,
    firstChanges: first.toRecord.length,
    steadyCpuMs: steady[Math.floor(steady.length / 2)] ?? 0,
    incrementalCpuMs: incremental[Math.floor(incremental.length / 2)] ?? 0,
  };
}
