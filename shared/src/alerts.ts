import { z } from 'zod';
import { MAX_ENTITY_ID } from './entity.js';
import { nameField } from './ingest.js';
import { ZEntityType } from './status.js';

/**
 * Wire shapes of alerting (docs/alerting.md): alert rules, the state changes evaluation
 * produces, the messages channels are sent and what a channel answers. Times are ISO 8601
 * strings, windows whole minutes.
 */

export const ALERT_KINDS = ['burn_rate', 'status', 'stale'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export const ALERT_SEVERITIES = ['page', 'ticket', 'info'] as const;
export const ZAlertSeverity = z.enum(ALERT_SEVERITIES, {
  error: (i) => `severity must be one of ${ALERT_SEVERITIES.join(', ')} (got ${JSON.stringify(i.input)})`,
});
export type AlertSeverity = z.infer<typeof ZAlertSeverity>;

/** Longest burn-rate window: 30 days, the longest budget window the book holds. */
export const MAX_BURN_WINDOW_MINUTES = 30 * 24 * 60;

const minutes = (field: string, min: number) =>
  z
    .number({ error: `${field} must be a number of minutes` })
    .int(`${field} must be a whole number of minutes`)
    .min(min, `${field} must be at least ${min}`)
    .max(MAX_BURN_WINDOW_MINUTES, `${field} must be at most ${MAX_BURN_WINDOW_MINUTES} (30 days)`);

/** One burn-rate tier: fires when the burn rates over both windows exceed `factor`. */
export const ZBurnTier = z.object({
  name: nameField('name'),
  longWindowMinutes: minutes('longWindowMinutes', 1),
  shortWindowMinutes: minutes('shortWindowMinutes', 1),
  factor: z
    .number({ error: 'factor must be a number' })
    .finite('factor must be a finite number')
    .positive('factor must be greater than 0'),
  severity: ZAlertSeverity,
  enabled: z.boolean({ error: 'enabled must be true or false' }).default(true),
});
export type BurnTier = z.infer<typeof ZBurnTier>;

/**
 * The default tiers: Google SRE Workbook, "Alerting on SLOs", table 5-8 (recommended
 * parameters for a 99.9 % SLO: 2 % of a 30-day budget in 1 h, 5 % in 6 h, 10 % in 3 d), each
 * with a short window of 1/12 of its long one.
 */
export const DEFAULT_BURN_TIERS: readonly BurnTier[] = [
  { name: 'page-1h', longWindowMinutes: 60, shortWindowMinutes: 5, factor: 14.4, severity: 'page', enabled: true },
  { name: 'page-6h', longWindowMinutes: 360, shortWindowMinutes: 30, factor: 6, severity: 'page', enabled: true },
  { name: 'ticket-3d', longWindowMinutes: 4320, shortWindowMinutes: 360, factor: 1, severity: 'ticket', enabled: true },
];

const ZBurnTiers = z
  .array(ZBurnTier, { error: 'burnRate.tiers must be an array of tiers' })
  .min(1, 'burnRate.tiers must hold at least one tier')
  .max(10, 'burnRate.tiers: at most 10 tiers')
  .superRefine((tiers, ctx) => {
    const seen = new Set<string>();
    tiers.forEach((t, i) => {
      if (t.longWindowMinutes <= t.shortWindowMinutes)
        ctx.addIssue({
          code: 'custom',
          path: [i, 'longWindowMinutes'],
          message: `burnRate.tiers.${i}.longWindowMinutes (${t.longWindowMinutes}) must be longer than shortWindowMinutes (${t.shortWindowMinutes})`,
        });
      if (seen.has(t.name))
        ctx.addIssue({
          code: 'custom',
          path: [i, 'name'],
          message: `tier name ${JSON.stringify(t.name)} is used twice`,
        });
      seen.add(t.name);
    });
  });

/** Which entities of the tenant a rule looks at: every field unset = the whole tenant. */
export const ZAlertScope = z.object({
  teamName: nameField('scope.teamName').optional(),
  entityType: ZEntityType.optional(),
  entityId: z
    .number({ error: 'scope.entityId must be an entity id' })
    .int('scope.entityId must be an entity id')
    .min(1, 'scope.entityId must be an entity id')
    .max(MAX_ENTITY_ID, 'scope.entityId must be an entity id')
    .optional(),
});
export type AlertScope = z.infer<typeof ZAlertScope>;

const ZChannelNames = z
  .array(nameField('channels'), { error: 'channels must be an array of channel names' })
  .max(20, 'channels: at most 20')
  .refine((names) => new Set(names).size === names.length, 'channels must not name a channel twice')
  .default([]);

/**
 * What every rule has. Names (rule, tier, channel, tenant, team) follow the rules of entity
 * names (`nameField`: trimmed, 1–256 characters, clean text); `name` is unique per tenant (the
 * store enforces it).
 */
const ruleBase = {
  name: nameField('name'),
  tenantName: nameField('tenantName'),
  scope: ZAlertScope.default({}),
  channels: ZChannelNames,
};

/** Fires when the entity has been in `to` for at least `forMinutes` without a break. */
export const ZStatusCondition = z.object({
  to: z.enum(['Failed', 'below_target'], { error: 'status.to must be Failed or below_target' }),
  forMinutes: z
    .number({ error: 'status.forMinutes must be a number of minutes' })
    .int('status.forMinutes must be a whole number of minutes')
    .min(0, 'status.forMinutes must be at least 0')
    .max(MAX_BURN_WINDOW_MINUTES, `status.forMinutes must be at most ${MAX_BURN_WINDOW_MINUTES}`),
});

/** Fires when no observation arrived for at least `forMinutes`. */
export const ZStaleCondition = z.object({
  forMinutes: z
    .number({ error: 'stale.forMinutes must be a number of minutes' })
    .int('stale.forMinutes must be a whole number of minutes')
    .min(1, 'stale.forMinutes must be at least 1')
    .max(MAX_BURN_WINDOW_MINUTES, `stale.forMinutes must be at most ${MAX_BURN_WINDOW_MINUTES}`),
});

/** The three kinds, each with its own condition; `extra` adds stored fields (an id). */
const ruleOf = <S extends z.ZodRawShape>(extra: S) =>
  z.discriminatedUnion(
    'kind',
    [
      z.object({
        ...ruleBase,
        ...extra,
        kind: z.literal('burn_rate'),
        burnRate: z.object({ tiers: ZBurnTiers.default(DEFAULT_BURN_TIERS.map((t) => ({ ...t }))) }).default({
          tiers: DEFAULT_BURN_TIERS.map((t) => ({ ...t })),
        }),
      }),
      z.object({
        ...ruleBase,
        ...extra,
        kind: z.literal('status'),
        severity: ZAlertSeverity.default('page'),
        status: ZStatusCondition,
      }),
      z.object({
        ...ruleBase,
        ...extra,
        kind: z.literal('stale'),
        severity: ZAlertSeverity.default('ticket'),
        stale: ZStaleCondition,
      }),
    ],
    { error: `kind must be one of ${ALERT_KINDS.join(', ')}` },
  );

/**
 * A rule as written (API body, rules file). Burn-rate rules default to `DEFAULT_BURN_TIERS`;
 * status rules to severity `page`, stale rules to `ticket`. A tier whose long window is not
 * longer than its short one is refused on `burnRate.tiers.<i>.longWindowMinutes`.
 */
export const ZAlertRuleInput = ruleOf({});
export type AlertRuleInput = z.input<typeof ZAlertRuleInput>;

/** A stored rule: the input with its id (the fingerprint's rule part). */
export const ZAlertRule = ruleOf({ id: z.number().int() });
export type AlertRule = z.infer<typeof ZAlertRule>;

/** One alert state change, produced by evaluation, stored in the outbox, reported to channels. */
export const ZAlertChange = z.object({
  /** Stable key: SHA-256 hex of rule id + entity id or scope + tier. */
  fingerprint: z.string(),
  /** Per fingerprint 1, 2, 3 …: monotonic, so a receiver de-duplicates and orders exactly. */
  sequence: z.number().int(),
  state: z.enum(['firing', 'resolved']),
  ruleName: z.string(),
  kind: z.enum(ALERT_KINDS),
  tier: z.string().nullable(),
  severity: ZAlertSeverity,
  tenantName: z.string(),
  teamName: z.string().nullable(),
  entity: z.object({ id: z.number().int(), name: z.string(), type: z.string() }).nullable(),
  /** One human line, e.g. "orders_daily: 1 h burn 18.2× (threshold 14.4)". */
  summary: z.string(),
  /** ISO 8601 UTC time of the state change. */
  at: z.string(),
});
export type AlertChange = z.infer<typeof ZAlertChange>;

/** What a channel is sent: one message may group several changes of one team. */
export const ZAlertMessage = z.object({
  /** UUID; a resend of the same message reuses it. */
  deliveryId: z.string(),
  channel: z.string(),
  tenantName: z.string(),
  teamName: z.string().nullable(),
  changes: z.array(ZAlertChange),
  /** ISO 8601 of this attempt. */
  sentAt: z.string(),
});
export type AlertMessage = z.infer<typeof ZAlertMessage>;

/** What a channel answers for one attempt. */
export const ZDeliveryResult = z.object({
  ok: z.boolean(),
  status: z.number().int().nullable(),
  error: z.string().nullable(),
  retryable: z.boolean(),
  durationMs: z.number(),
});
export type DeliveryResult = z.infer<typeof ZDeliveryResult>;
