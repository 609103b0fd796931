import {
  ALERT_KINDS,
  channelInputSchema,
  cleanText,
  instant,
  nameField,
  wholeNumber,
  ZAlertRuleInput,
  ZAlertScope,
  ZAlertSeverity,
  ZBurnTier,
  ZStaleCondition,
  ZStatusCondition,
} from '@sla/shared';
import { z } from 'zod';
import { issueLines } from '../platform/issues.js';
import { flag } from '../policy/window-input.js';

/** Input schemas of `alerts.*` (REST and tRPC). Strict: an unknown field is a 400 naming it. */

const id = wholeNumber('id', 1, 2_147_483_647);
export const ZIdInput = z.strictObject({ id });

/** The condition fields of each kind: given on another kind they would be silently ignored, so they are refused. */
const KIND_FIELDS = { burn_rate: 'burnRate', status: 'status', stale: 'stale' } as const;

/**
 * A rule's fields as one object, so REST documents them (the OpenAPI adapter needs an object);
 * then checked as `ZAlertRuleInput` (the kinds' discriminated union) with every issue's path kept.
 */
const ruleFields = {
  name: z.string(),
  tenantName: z.string(),
  kind: z.enum(ALERT_KINDS, { error: `kind must be one of ${ALERT_KINDS.join(', ')}` }),
  // Strict at every depth: an unknown field in a nested object is a 400 naming it, not dropped.
  scope: ZAlertScope.strict().optional(),
  channels: z.array(z.string()).optional(),
  severity: ZAlertSeverity.optional(),
  burnRate: z.strictObject({ tiers: z.array(ZBurnTier.strict()).optional() }).optional(),
  status: ZStatusCondition.strict().optional(),
  stale: ZStaleCondition.strict().optional(),
};

/** A rule as parsed: `ZAlertRuleInput`'s output, defaults applied. */
export type RuleDraft = z.output<typeof ZAlertRuleInput>;

function asRule(v: Record<string, unknown>, ctx: z.core.$RefinementCtx): RuleDraft {
  for (const [kind, field] of Object.entries(KIND_FIELDS))
    if (v.kind !== kind && v[field] !== undefined)
      ctx.addIssue({ code: 'custom', path: [field], message: `${field} is only for rules of kind ${kind}` });
  if (v.kind === 'burn_rate' && v.severity !== undefined)
    ctx.addIssue({ code: 'custom', path: ['severity'], message: 'severity of a burn_rate rule is set per tier' });
  const parsed = ZAlertRuleInput.safeParse(v);
  // Re-added as custom issues (their codes' own fields cannot be re-added); an unknown key keeps its name in the path.
  if (!parsed.success)
    for (const line of issueLines(parsed.error.issues))
      ctx.addIssue({ code: 'custom', path: line.path === '' ? [] : line.path.split('.'), message: line.message });
  // On failure the issues above fail the parse, so this value is never used.
  return (parsed.success ? parsed.data : v) as RuleDraft;
}

/** `alerts.rules.create` / `POST /api/alerts/rules`: a rule as `ZAlertRuleInput` takes it. */
export const ZRuleCreate = z.strictObject(ruleFields).transform((v, ctx) => asRule(v, ctx));

/** `alerts.rules.update` / `PUT /api/alerts/rules/{id}`: the whole rule, replacing the stored one. */
export const ZRuleUpdate = z.strictObject({ id, ...ruleFields }).transform((v, ctx) => {
  const { id: ruleId, ...rule } = v;
  return { id: ruleId, rule: asRule(rule, ctx) };
});

const tenantFilter = nameField('tenantName').optional();
export const ZTenantFilter = z.strictObject({ tenantName: tenantFilter });

/** `alerts.channels.create` / `POST /api/alerts/channels`: the fields of `ZChannelInput`, checked by `prepareChannel`. */
export const ZChannelWrite = z.strictObject(channelInputSchema().shape);

/** Which channel: its tenant and name (the path of `/api/alerts/channels/{tenantName}/{name}`). */
export const ZChannelRef = z.strictObject({
  tenantName: channelInputSchema().shape.tenantName,
  name: channelInputSchema().shape.name,
});

/** Longest reason kept with a silence. */
export const MAX_SILENCE_REASON = 500;

/** `alerts.silences.create` / `POST /api/alerts/silences`: unset scope fields cover everything in the tenant. */
export const ZSilenceCreate = z.strictObject({
  tenantName: nameField('tenantName'),
  teamName: nameField('teamName').nullable().default(null),
  entityType: cleanText('entityType', z.string().min(1).max(64)).nullable().default(null),
  entityId: wholeNumber('entityId', 1, 2_147_483_647).nullable().default(null),
  /** Only this rule's alerts; null: every rule's. */
  ruleName: nameField('ruleName').nullable().default(null),
  /** Default: now. */
  startsAt: instant('startsAt').optional(),
  endsAt: instant('endsAt'),
  reason: cleanText(
    'reason',
    z
      .string({ error: 'reason must be a string' })
      .trim()
      .min(1, 'reason must not be empty: say why alerts are silenced')
      .max(MAX_SILENCE_REASON, `reason: at most ${MAX_SILENCE_REASON} characters`),
  ),
});
export type SilenceCreate = z.infer<typeof ZSilenceCreate>;

export const ZSilenceList = z.strictObject({ tenantName: tenantFilter, includeEnded: flag.default(false) });

const limit = (max: number, dflt: number) => wholeNumber('limit', 1, max).default(dflt);

/** `alerts.list` / `GET /api/alerts`. */
export const ZAlertList = z.strictObject({
  tenantName: tenantFilter,
  entityId: wholeNumber('entityId', 1, 2_147_483_647).optional(),
  /** Resolved alerts within this many hours are listed too (0: firing only). */
  recentHours: wholeNumber('recentHours', 0, 24 * 90).default(24),
  limit: limit(1000, 200),
});

/** `alerts.acknowledge` / `POST /api/alerts/{fingerprint}/acknowledge`. */
export const ZAcknowledge = z.strictObject({
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/, 'fingerprint must be 64 hex digits'),
});

/** `alerts.deliveries.list` / `GET /api/alerts/deliveries`. */
export const ZDeliveryList = z.strictObject({
  tenantName: tenantFilter,
  channel: nameField('channel').optional(),
  openOnly: flag.default(false),
  limit: limit(500, 100),
});
