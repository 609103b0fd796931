import { z } from 'zod';
import { ZChannel } from './alert-channels.js';
import { ZAlertChange, ZAlertMessage, ZAlertRule } from './alerts.js';

/**
 * Answer shapes of the alerting API (`alerts.*`, `/api/alerts…`): stored rules and channels
 * with whether the rules file manages them, silences, alerts and the delivery log. Times are
 * ISO 8601 UTC strings.
 */

/** Set on objects declared in the rules file (CONFIG_FILE): read-only through the API. */
const managed = {
  managedByFile: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
};

/** A stored rule as answered: the rule (with its id) plus `managedByFile` and its times. */
export const ZAlertRuleAnswer = z.intersection(ZAlertRule, z.object(managed));
export type AlertRuleAnswer = z.infer<typeof ZAlertRuleAnswer>;

/** A channel as answered: `ZChannel` (never a secret) plus `managedByFile` and its times. */
export const ZChannelAnswer = ZChannel.extend(managed);
export type ChannelAnswer = z.infer<typeof ZChannelAnswer>;

/** An explicit silence: the tenant, optionally narrowed to a team, type, entity and one rule; active in [startsAt, endsAt). */
export const ZSilence = z.object({
  id: z.number().int(),
  tenantName: z.string(),
  teamName: z.string().nullable(),
  entityType: z.string().nullable(),
  entityId: z.number().int().nullable(),
  ruleName: z.string().nullable(),
  startsAt: z.string(),
  endsAt: z.string(),
  reason: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
});
export type SilenceAnswer = z.infer<typeof ZSilence>;

/** An alert (one fingerprint) with its current or last state. */
export const ZAlertView = z.object({
  fingerprint: z.string(),
  state: z.enum(['firing', 'resolved']),
  sequence: z.number().int(),
  ...ZAlertChange.pick({ ruleName: true, kind: true, tier: true, severity: true, tenantName: true, teamName: true })
    .shape,
  entityId: z.number().int().nullable(),
  /** When the current (or last) firing episode began. */
  since: z.string(),
  resolvedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  /** The last state change recorded (its summary, entity name, …). */
  lastChange: ZAlertChange,
});
export type AlertViewAnswer = z.infer<typeof ZAlertView>;

/** One delivery attempt: HTTP status (null: no answer), error, duration. */
export const ZDeliveryAttempt = z.object({
  attempt: z.number().int(),
  at: z.string(),
  status: z.number().int().nullable(),
  error: z.string().nullable(),
  durationMs: z.number(),
});

/** One message of the delivery log: what it reports, its attempts, and how it ended. */
export const ZDeliveryView = z.object({
  ...ZAlertMessage.pick({ deliveryId: true, channel: true, tenantName: true, teamName: true }).shape,
  outboxIds: z.array(z.number().int()),
  attempts: z.number().int(),
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  attemptLog: z.array(ZDeliveryAttempt),
  createdAt: z.string(),
  updatedAt: z.string(),
  deliveredAt: z.string().nullable(),
  abandonedAt: z.string().nullable(),
});
export type DeliveryViewAnswer = z.infer<typeof ZDeliveryView>;
