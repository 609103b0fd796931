import type { AlertRuleAnswer, AlertRuleInput, AlertSeverity, BurnTier } from '@sla/shared';

/** One burn-rate tier as the form holds it (strings, as inputs hold them). */
export type TierForm = {
  name: string;
  longWindowMinutes: string;
  shortWindowMinutes: string;
  factor: string;
  severity: AlertSeverity;
  enabled: boolean;
};
export type RuleKind = AlertRuleAnswer['kind'];
/** The rule form's fields; only the ones of the chosen kind are sent. */
export type RuleForm = {
  name: string;
  tenantName: string;
  kind: RuleKind;
  teamName: string;
  entityType: string;
  entityId: string;
  /** Channel names, comma-separated. */
  channels: string;
  severity: AlertSeverity;
  statusTo: 'Failed' | 'below_target';
  forMinutes: string;
  tiers: TierForm[];
};

/**
 * The default tiers: Google SRE Workbook, "Alerting on SLOs", table 5-8 (the same figures as
 * `DEFAULT_BURN_TIERS` in shared/src/alerts.ts, copied because importing it pulls zod into the bundle).
 */
export const DEFAULT_TIER_FORMS: readonly TierForm[] = [
  {
    name: 'page-1h',
    longWindowMinutes: '60',
    shortWindowMinutes: '5',
    factor: '14.4',
    severity: 'page',
    enabled: true,
  },
  { name: 'page-6h', longWindowMinutes: '360', shortWindowMinutes: '30', factor: '6', severity: 'page', enabled: true },
  {
    name: 'ticket-3d',
    longWindowMinutes: '4320',
    shortWindowMinutes: '360',
    factor: '1',
    severity: 'ticket',
    enabled: true,
  },
];

/** The server's names for the form's fields (issue paths), so each message lands by its input. */
export function ruleFields(tierCount: number): string[] {
  const tiers = Array.from({ length: tierCount }, (_, i) =>
    ['name', 'longWindowMinutes', 'shortWindowMinutes', 'factor', 'severity'].map((f) => `burnRate.tiers.${i}.${f}`),
  ).flat();
  return [
    'name',
    'tenantName',
    'kind',
    'scope.teamName',
    'scope.entityType',
    'scope.entityId',
    'channels',
    'severity',
    'status.to',
    'status.forMinutes',
    'stale.forMinutes',
    ...tiers,
  ];
}

/** A blank rule: a status rule (to Failed, at once) of `tenantName`. */
export function emptyRuleForm(tenantName: string): RuleForm {
  return {
    name: '',
    tenantName,
    kind: 'status',
    teamName: '',
    entityType: '',
    entityId: '',
    channels: '',
    severity: 'page',
    statusTo: 'Failed',
    forMinutes: '0',
    tiers: DEFAULT_TIER_FORMS.map((t) => ({ ...t })),
  };
}

const tierForm = (t: BurnTier): TierForm => ({
  name: t.name,
  longWindowMinutes: String(t.longWindowMinutes),
  shortWindowMinutes: String(t.shortWindowMinutes),
  factor: String(t.factor),
  severity: t.severity,
  enabled: t.enabled,
});

/** The form of a stored rule, for editing. */
export function ruleFormOf(r: AlertRuleAnswer): RuleForm {
  const form = emptyRuleForm(r.tenantName);
  Object.assign(form, {
    name: r.name,
    kind: r.kind,
    teamName: r.scope.teamName ?? '',
    entityType: r.scope.entityType ?? '',
    entityId: r.scope.entityId == null ? '' : String(r.scope.entityId),
    channels: r.channels.join(', '),
  });
  if (r.kind === 'burn_rate') form.tiers = r.burnRate.tiers.map(tierForm);
  if (r.kind === 'status')
    Object.assign(form, { severity: r.severity, statusTo: r.status.to, forMinutes: String(r.status.forMinutes) });
  if (r.kind === 'stale') Object.assign(form, { severity: r.severity, forMinutes: String(r.stale.forMinutes) });
  return form;
}

/** A number as typed: blank stays unset, a non-number is sent as typed so the server's 400 names the field. */
function num(v: string): number {
  const t = v.trim();
  const n = Number(t);
  return (t !== '' && Number.isFinite(n) ? n : t) as number;
}

/**
 * What the form sends (`alerts.rules.create`, and with an id `update`): only the fields of the
 * chosen kind; blank scope fields left out (the whole tenant). Nothing is validated here: the
 * server's messages, shown next to each field, are the one source of the rules.
 */
export function toRuleInput(f: RuleForm): AlertRuleInput {
  const scope: AlertRuleInput['scope'] = {};
  if (f.teamName.trim()) scope.teamName = f.teamName.trim();
  if (f.entityType.trim()) scope.entityType = f.entityType.trim();
  if (f.entityId.trim()) scope.entityId = num(f.entityId);
  const channels = f.channels
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  const base = { name: f.name.trim(), tenantName: f.tenantName, scope, channels };
  if (f.kind === 'status')
    return { ...base, kind: 'status', severity: f.severity, status: { to: f.statusTo, forMinutes: num(f.forMinutes) } };
  if (f.kind === 'stale')
    return { ...base, kind: 'stale', severity: f.severity, stale: { forMinutes: num(f.forMinutes) } };
  const tiers = f.tiers.map((t) => ({
    name: t.name.trim(),
    longWindowMinutes: num(t.longWindowMinutes),
    shortWindowMinutes: num(t.shortWindowMinutes),
    factor: num(t.factor),
    severity: t.severity,
    enabled: t.enabled,
  }));
  return { ...base, kind: 'burn_rate', burnRate: { tiers } };
}
