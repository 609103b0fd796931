import type {
  AlertRuleAnswer,
  AlertSeverity,
  AlertViewAnswer,
  BurnTier,
  DeliveryResult,
  DeliveryViewAnswer,
} from '@sla/shared';
import { formatDuration, formatWindowMinutes } from './duration';

/** Runtime copies of the shared enums (importing the zod schemas would pull zod into the bundle). */
export const SEVERITY_LABEL: Record<AlertSeverity, string> = { page: 'Page', ticket: 'Ticket', info: 'Info' };
export const SEVERITIES = Object.keys(SEVERITY_LABEL) as AlertSeverity[];
const SEVERITY_RANK: Record<AlertSeverity, number> = { page: 0, ticket: 1, info: 2 };
export const KIND_LABEL: Record<AlertRuleAnswer['kind'], string> = {
  burn_rate: 'Burn rate',
  status: 'Status',
  stale: 'Stale / no data',
};

/**
 * Firing alerts (most severe first, then longest firing) and the recently resolved ones
 * (newest resolution first), as the Alerts page lists them.
 */
export function splitAlerts(items: readonly AlertViewAnswer[]): {
  firing: AlertViewAnswer[];
  resolved: AlertViewAnswer[];
} {
  const firing = items
    .filter((a) => a.state === 'firing')
    .sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.since.localeCompare(b.since));
  const resolved = items
    .filter((a) => a.state === 'resolved')
    .sort((a, b) => (b.resolvedAt ?? '').localeCompare(a.resolvedAt ?? ''));
  return { firing, resolved };
}

/** What the alert is about: "orders_daily (table) · PGM", "Data Engineering / PGM" for a scope-wide one. */
export function alertSubject(a: AlertViewAnswer): string {
  const e = a.lastChange.entity;
  if (e) return `${e.name} (${e.type})${a.teamName ? ` · ${a.teamName}` : ''}`;
  return [a.tenantName, a.teamName].filter(Boolean).join(' / ');
}

/** The silence form's start: the alert's own scope and rule, for one hour from `now` (ms). */
export function silenceDraft(a: AlertViewAnswer, now: number) {
  return {
    tenantName: a.tenantName,
    teamName: a.teamName,
    entityType: a.lastChange.entity?.type ?? null,
    entityId: a.entityId,
    ruleName: a.ruleName,
    endsAt: new Date(now + 3_600_000).toISOString(),
    reason: '',
  };
}

/** A tier in words: "page-1h: 1 h and 5 min burn over 14.4× → Page" (disabled tiers say so). */
export function describeTier(t: BurnTier): string {
  const words = `${t.name}: ${formatWindowMinutes(t.longWindowMinutes)} and ${formatWindowMinutes(
    t.shortWindowMinutes,
  )} burn over ${t.factor}× → ${SEVERITY_LABEL[t.severity]}`;
  return t.enabled ? words : `${words} (disabled)`;
}

/** A rule's condition in words, for the rules table. */
export function describeCondition(r: AlertRuleAnswer): string {
  if (r.kind === 'status')
    return r.status.to === 'Failed'
      ? `Status Failed for ${r.status.forMinutes} min`
      : `Below target for ${r.status.forMinutes} min`;
  if (r.kind === 'stale') return `No data for ${r.stale.forMinutes} min`;
  const on = r.burnRate.tiers.filter((t) => t.enabled).length;
  return `${on} of ${r.burnRate.tiers.length} burn-rate tiers enabled`;
}

/** How a delivery ended, in words and as a state for styling: never colour alone. */
export function deliveryOutcome(d: Pick<DeliveryViewAnswer, 'deliveredAt' | 'abandonedAt' | 'attempts'>): {
  state: 'delivered' | 'abandoned' | 'pending';
  label: string;
} {
  if (d.deliveredAt) return { state: 'delivered', label: 'Delivered' };
  if (d.abandonedAt) return { state: 'abandoned', label: 'Abandoned' };
  return { state: 'pending', label: d.attempts === 0 ? 'Waiting' : 'Retrying' };
}

/** A "send test" answer in one line: "Delivered: HTTP 200 in 45 ms" / "Failed: HTTP 500 (retryable) …". */
export function describeTestResult(r: DeliveryResult): string {
  const status = r.status === null ? 'no answer' : `HTTP ${r.status}`;
  const took = `in ${r.durationMs < 1000 ? `${Math.round(r.durationMs)} ms` : formatDuration(r.durationMs)}`;
  if (r.ok) return `Delivered: ${status} ${took}`;
  return `Failed: ${status} ${took}${r.retryable ? ' (would be retried)' : ''}${r.error ? ` — ${r.error}` : ''}`;
}
