import { type AlertRule, ZAlertRule } from '@sla/shared';
import type { Sql } from '../db/sql.js';
import type { Silence } from '../domain/alerts/index.js';
import type { StoredChannel } from './channels/stored.js';
import { isoOrNull } from './time.js';

/**
 * Reads of the alerting configuration (tables `sla_alert_rule`, `sla_alert_channel`,
 * `sla_alert_silence`): what the evaluator loads each cycle and what the API lists.
 */

/** A rule with what the store keeps beside it. */
export type StoredRule = { rule: AlertRule; managedByFile: boolean; createdAt: string; updatedAt: string };
/** A channel with what the store keeps beside it. */
export type ChannelRecord = { channel: StoredChannel; managedByFile: boolean; createdAt: string; updatedAt: string };
/** A silence with its id and bookkeeping, as the API lists it (times ISO 8601). */
export type SilenceRecord = {
  id: number;
  tenantName: string;
  teamName: string | null;
  entityType: string | null;
  entityId: number | null;
  ruleName: string | null;
  startsAt: string;
  endsAt: string;
  reason: string;
  createdBy: string;
  createdAt: string;
};

type Times = { managed_by_file: boolean; created_at: Date | string; updated_at: Date | string };
type RuleRow = Times & { id: number; rule: Record<string, unknown> };
type ChannelRow = Times & {
  tenant_name: string;
  name: string;
  kind: 'webhook' | 'slack';
  url: string | null;
  slack_channel: string | null;
  sealed: string | null;
  has_secret: boolean;
  has_bot_token: boolean;
};
type SilenceRow = {
  id: number;
  tenant_name: string;
  team_name: string | null;
  entity_type: string | null;
  entity_id: number | null;
  rule_name: string | null;
  starts_at: Date | string;
  ends_at: Date | string;
  reason: string;
  created_by: string;
  created_at: Date | string;
};

const iso = (v: Date | string) => isoOrNull(v) as string;
const times = (r: Times) => ({
  managedByFile: r.managed_by_file,
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
});

// Parsed again on read so a rule stored before a default was added gets it.
const ruleOf = (r: RuleRow): StoredRule => ({ rule: ZAlertRule.parse({ ...r.rule, id: r.id }), ...times(r) });

const channelOf = (r: ChannelRow): ChannelRecord => ({
  channel: {
    name: r.name,
    tenantName: r.tenant_name,
    kind: r.kind,
    url: r.url,
    slackChannel: r.slack_channel,
    sealed: r.sealed,
    hasSecret: r.has_secret,
    hasBotToken: r.has_bot_token,
  },
  ...times(r),
});

const silenceOf = (r: SilenceRow): SilenceRecord => ({
  id: r.id,
  tenantName: r.tenant_name,
  teamName: r.team_name,
  entityType: r.entity_type,
  entityId: r.entity_id,
  ruleName: r.rule_name,
  startsAt: iso(r.starts_at),
  endsAt: iso(r.ends_at),
  reason: r.reason,
  createdBy: r.created_by,
  createdAt: iso(r.created_at),
});

/** Rules of one tenant (every tenant when null), by tenant then name. @throws DatabaseUnavailable */
export async function readRules(sql: Sql, tenantName: string | null): Promise<StoredRule[]> {
  const rows = await sql<RuleRow>(
    'SELECT * FROM sla_alert_rule WHERE (?::text IS NULL OR tenant_name = ?) ORDER BY tenant_name, name',
    [tenantName, tenantName],
  );
  return rows.map(ruleOf);
}

/** Rule `id`, or null; `lock` takes a row lock for the caller's transaction. @throws DatabaseUnavailable */
export async function readRule(sql: Sql, id: number, lock = false): Promise<StoredRule | null> {
  const [row] = await sql<RuleRow>(`SELECT * FROM sla_alert_rule WHERE id = ?${lock ? ' FOR UPDATE' : ''}`, [id]);
  return row ? ruleOf(row) : null;
}

/** Channels of one tenant (every tenant when null), by tenant then name. @throws DatabaseUnavailable */
export async function readChannels(sql: Sql, tenantName: string | null): Promise<ChannelRecord[]> {
  const rows = await sql<ChannelRow>(
    'SELECT * FROM sla_alert_channel WHERE (?::text IS NULL OR tenant_name = ?) ORDER BY tenant_name, name',
    [tenantName, tenantName],
  );
  return rows.map(channelOf);
}

/** Channel `name` of `tenantName`, or null; `lock` takes a row lock. @throws DatabaseUnavailable */
export async function readChannel(
  sql: Sql,
  tenantName: string,
  name: string,
  lock = false,
): Promise<ChannelRecord | null> {
  const [row] = await sql<ChannelRow>(
    `SELECT * FROM sla_alert_channel WHERE tenant_name = ? AND name = ?${lock ? ' FOR UPDATE' : ''}`,
    [tenantName, name],
  );
  return row ? channelOf(row) : null;
}

/**
 * Silences of one tenant (every tenant when null), newest end first; ended ones only when
 * `includeEnded`. @throws DatabaseUnavailable
 */
export async function readSilences(
  sql: Sql,
  q: { tenantName: string | null; includeEnded: boolean },
): Promise<SilenceRecord[]> {
  const rows = await sql<SilenceRow>(
    `SELECT * FROM sla_alert_silence WHERE (?::text IS NULL OR tenant_name = ?) AND (? OR ends_at > now())
      ORDER BY ends_at DESC, id DESC`,
    [q.tenantName, q.tenantName, q.includeEnded],
  );
  return rows.map(silenceOf);
}

/** Silence `id`, or null; `lock` takes a row lock. @throws DatabaseUnavailable */
export async function readSilence(sql: Sql, id: number, lock = false): Promise<SilenceRecord | null> {
  const [row] = await sql<SilenceRow>(`SELECT * FROM sla_alert_silence WHERE id = ?${lock ? ' FOR UPDATE' : ''}`, [id]);
  return row ? silenceOf(row) : null;
}

/** The `Map` key of a channel in `AlertConfig.channels`. */
export const channelKey = (tenantName: string, name: string) => `${tenantName}/${name}`;

/** Everything evaluation and delivery read of the configuration. */
export type AlertConfig = {
  rules: AlertRule[];
  /** Keyed by `channelKey(tenantName, name)`: channel names are unique per tenant only. */
  channels: Map<string, StoredChannel>;
  /** Silences active now or starting later (ended ones can suppress nothing). Times epoch ms. */
  silences: Silence[];
};

/**
 * The whole alerting configuration: every rule, every channel (secrets still sealed), the
 * silences not yet ended. Each table is read once; a write landing between the reads is
 * seen by the next cycle.
 * @throws DatabaseUnavailable when PostgreSQL is away.
 */
export async function loadAlertConfig(sql: Sql): Promise<AlertConfig> {
  const [rules, channels, silences] = [
    await readRules(sql, null),
    await readChannels(sql, null),
    await readSilences(sql, { tenantName: null, includeEnded: false }),
  ];
  return {
    rules: rules.map((r) => r.rule),
    channels: new Map(channels.map((c) => [channelKey(c.channel.tenantName, c.channel.name), c.channel])),
    silences: silences.map((s) => ({
      tenantName: s.tenantName,
      teamName: s.teamName,
      entityType: s.entityType,
      entityId: s.entityId,
      ruleName: s.ruleName,
      startsAt: Date.parse(s.startsAt),
      endsAt: Date.parse(s.endsAt),
    })),
  };
}
