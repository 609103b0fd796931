import type { Status } from '@sla/shared';

/** The demo organisation: 3 tenants, 12 teams, the original's "Data Engineering" / "PGM" among them. */
export const DEMO_TEAMS: Record<string, string[]> = {
  'Data Engineering': ['PGM', 'Ingestion', 'Warehouse', 'Platform'],
  'Marketing Analytics': ['Attribution', 'Campaigns', 'Web Analytics', 'CRM'],
  Finance: ['Reporting', 'Billing', 'Forecasting', 'Risk'],
};

const SUBJECTS = [
  'user_activity',
  'orders',
  'payments',
  'sessions',
  'inventory',
  'customers',
  'invoices',
  'clicks',
  'campaign_spend',
  'ledger',
  'churn',
  'signups',
  'refunds',
  'shipments',
  'forecast',
  'events',
  'accounts',
];
const TYPES = ['table', 'job', 'pipeline', 'dashboard', 'report'] as const;

/** A small seeded PRNG (mulberry32) so every fresh demo database looks the same. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type DemoEntity = {
  tenantName: string;
  teamName: string;
  entityType: string;
  entityName: string;
  slaTarget: number;
  /** healthy, flaky (hovers near target), failing (below target lately), stale (poller stopped). */
  profile: 'healthy' | 'flaky' | 'failing' | 'stale';
};

/** The demo's status for an SLA (percent) against its target: Passed at or above it, AtRisk within 2 points below, else Failed. */
export function statusFor(sla: number, target: number): Status {
  if (sla >= target) return 'Passed';
  if (sla >= target - 2) return 'AtRisk';
  return 'Failed';
}

/** 500 entities spread over the 12 teams and the five known types. */
export function demoEntities(count = 500): DemoEntity[] {
  const rnd = prng(42);
  const teams = Object.entries(DEMO_TEAMS).flatMap(([tenantName, ts]) =>
    ts.map((teamName) => ({ tenantName, teamName })),
  );
  const out: DemoEntity[] = [];
  const used = new Set<string>();
  for (let i = 0; out.length < count; i++) {
    const team = teams[i % teams.length] as { tenantName: string; teamName: string };
    const type = TYPES[Math.floor(i / teams.length) % TYPES.length] as string;
    const subject = i === 0 ? 'user_activity' : (SUBJECTS[Math.floor(rnd() * SUBJECTS.length)] as string);
    let name = `${subject}_${type}`;
    for (let n = 2; used.has(`${team.tenantName}|${team.teamName}|${name}`); n++) name = `${subject}_${type}_${n}`;
    used.add(`${team.tenantName}|${team.teamName}|${name}`);
    const r = rnd();
    const profile = i === 0 ? 'healthy' : r < 0.08 ? 'failing' : r < 0.15 ? 'stale' : r < 0.27 ? 'flaky' : 'healthy';
    const slaTarget = [95, 97, 99, 99.5][Math.floor(rnd() * 4)] as number;
    out.push({ ...team, entityType: type, entityName: name, slaTarget, profile });
  }
  return out;
}

/** The SLA a profile shows at a moment, given a random number. */
export function demoSla(e: DemoEntity, r: number, recent: boolean): number {
  const t = e.slaTarget;
  const v =
    e.profile === 'failing' && recent
      ? t - 3 - r * 12
      : e.profile === 'flaky'
        ? t - 2.5 + r * 4
        : Math.min(100, t + 0.2 + r * (100 - t));
  return Math.round(Math.max(0, Math.min(100, v)) * 100) / 100;
}
