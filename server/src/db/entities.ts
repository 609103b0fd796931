import { defineEntity, p } from '@mikro-orm/core';

/** The four identity columns, the same in the entity table and the change log. */
const identityColumns = () => ({
  tenantName: p.string().length(256),
  teamName: p.string().length(256),
  entityType: p.string().length(64),
  entityName: p.string().length(256),
});

/**
 * An entity's current SLA state. Identity is (tenant, team, type, name); `version` is the
 * id of the change that set the current state. Hot paths write with set-based SQL
 * (ingest/repository.ts, driven by ingest/writer.ts); the ORM owns the schema, migrations and ad-hoc reads.
 */
export const SlaEntity = defineEntity({
  name: 'SlaEntity',
  tableName: 'sla_entity',
  uniques: [{ name: 'sla_entity_identity_unique', properties: ['tenantName', 'teamName', 'entityType', 'entityName'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    ...identityColumns(),
    slaTarget: p.double(),
    currentSla: p.double(),
    status: p.string().length(16),
    statusSince: p.datetime(),
    observedAt: p.datetime(),
    updatedAt: p.datetime(),
    version: p.bigint('number'),
    details: p.json<Record<string, unknown>>().nullable(),
  },
});

/**
 * Append-only log of accepted poller results. Ids are handed out under a transaction
 * lock as max(id)+1, so ascending id is commit order and the sequence has no gaps: a
 * consumer that remembers "last seen N" and asks for id > N never misses a change.
 */
export const SlaChange = defineEntity({
  name: 'SlaChange',
  tableName: 'sla_change',
  indexes: [
    { name: 'sla_change_entity_observed_idx', properties: ['entityId', 'observedAt'] },
    { name: 'sla_change_tenant_idx', properties: ['tenantName', 'id'] },
  ],
  properties: {
    id: p.bigint('number').primary().autoincrement(false),
    entityId: p.integer(),
    ...identityColumns(),
    previousSla: p.double().nullable(),
    previousStatus: p.string().length(16).nullable(),
    currentSla: p.double(),
    status: p.string().length(16),
    slaTarget: p.double(),
    statusSince: p.datetime(),
    observedAt: p.datetime(),
    receivedAt: p.datetime(),
    applied: p.boolean(),
    source: p.string().length(64),
    details: p.json<Record<string, unknown>>().nullable(),
  },
});

/**
 * The change log's identity: one row whose `epoch` is minted at first start and again
 * whenever the log is found replaced (a database restored from a backup reuses change
 * ids). Cursors, Redis generations and pods carry the epoch, so a position in another
 * log is detected instead of trusted (see changelog/epoch.ts).
 */
export const SlaLogEpoch = defineEntity({
  name: 'SlaLogEpoch',
  tableName: 'sla_log_epoch',
  properties: {
    id: p.smallint().primary().autoincrement(false),
    epoch: p.string().length(32),
    mintedAt: p.datetime(),
    reason: p.string().length(256),
  },
});

/**
 * What an ingest request with an `Idempotency-Key` answered, per token label (`scope`), so a
 * retry gets the same answer instead of writing again. Written in the transaction that
 * wrote the request's changes; rows past `expiresAt` are ignored and deleted.
 */
export const SlaIdempotency = defineEntity({
  name: 'SlaIdempotency',
  tableName: 'sla_idempotency',
  indexes: [{ name: 'sla_idempotency_expires_idx', properties: ['expiresAt'] }],
  properties: {
    scope: p.string().length(64).primary(),
    key: p.string().length(255).primary(),
    /** SHA-256 (hex) of the request: a reuse of the key with another body is refused. */
    fingerprint: p.string().length(64),
    /** The per-update results answered the first time. */
    results: p.json<unknown[]>(),
    createdAt: p.datetime(),
    expiresAt: p.datetime(),
  },
});

/**
 * Each pod's latest heartbeat (cache/messages.ts `ZHeartbeatMessage`), for the fleet view of
 * pods without Redis; a row older than 3 heartbeat intervals is a pod that is gone.
 */
export const SlaPodHeartbeat = defineEntity({
  name: 'SlaPodHeartbeat',
  tableName: 'sla_pod_heartbeat',
  properties: {
    pod: p.string().length(256).primary(),
    beat: p.json<Record<string, unknown>>(),
    beatAt: p.datetime(),
  },
});

/**
 * The audit log (audit/record.ts): every change made through the API, who made it (the
 * token's name), when, and the object before and after. Append-only.
 */
export const SlaAudit = defineEntity({
  name: 'SlaAudit',
  tableName: 'sla_audit',
  indexes: [
    { name: 'sla_audit_tenant_idx', properties: ['tenantName', 'id'] },
    { name: 'sla_audit_object_idx', properties: ['objectType', 'objectId'] },
  ],
  properties: {
    id: p.bigint('number').primary(),
    at: p.datetime(),
    actor: p.string().length(64),
    action: p.string().length(32),
    objectType: p.string().length(32),
    objectId: p.string().length(64),
    tenantName: p.string().length(256).nullable(),
    before: p.json<unknown>().nullable(),
    after: p.json<unknown>().nullable(),
  },
});

/** Per-tenant overrides of the budget settings (policy/settings.ts); a null column = the global default. */
export const SlaTenantSettings = defineEntity({
  name: 'SlaTenantSettings',
  tableName: 'sla_tenant_settings',
  properties: {
    tenantName: p.string().length(256).primary(),
    timeZone: p.string().length(64).nullable(),
    windowDays: p.smallint().nullable(),
    nodataPolicy: p.string().length(16).nullable(),
    updatedAt: p.datetime(),
  },
});

/**
 * Maintenance windows (policy/windows.ts): one-off or recurring (RRULE in `timeZone`), scoped
 * to a tenant and optionally a team, entity type or entity. Deleted windows keep their row
 * (`deletedAt` set) so the audit log's object ids stay resolvable.
 */
export const SlaMaintenanceWindow = defineEntity({
  name: 'SlaMaintenanceWindow',
  tableName: 'sla_maintenance_window',
  indexes: [{ name: 'sla_maintenance_window_tenant_idx', properties: ['tenantName'] }],
  properties: {
    id: p.integer().primary(),
    tenantName: p.string().length(256),
    teamName: p.string().length(256).nullable(),
    entityType: p.string().length(64).nullable(),
    entityId: p.integer().nullable(),
    category: p.string().length(32),
    reason: p.string().length(500),
    start: p.datetime(),
    end: p.datetime(),
    rrule: p.string().length(1000).nullable(),
    timeZone: p.string().length(64),
    until: p.datetime().nullable(),
    createdBy: p.string().length(64),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
    deletedAt: p.datetime().nullable(),
  },
});

/**
 * Closed compliance reports (reports/snapshots.ts): one immutable row per revision of a
 * period's report for a scope (`tenant`, or `team:<name>` / `entity:<id>`). A correction
 * is a new revision; an old one is never changed. `contentHash` is the SHA-256 of the
 * report's canonical JSON (reports/canonical.ts).
 */
export const SlaReportSnapshot = defineEntity({
  name: 'SlaReportSnapshot',
  tableName: 'sla_report_snapshot',
  indexes: [{ name: 'sla_report_snapshot_period_to_idx', properties: ['periodTo'] }],
  properties: {
    tenantName: p.string().length(256).primary(),
    scope: p.string().length(300).primary(),
    period: p.string().length(16).primary(),
    revision: p.integer().primary(),
    periodFrom: p.datetime(),
    periodTo: p.datetime(),
    content: p.json<Record<string, unknown>>(),
    contentHash: p.string().length(64),
    reason: p.string().length(256),
    createdAt: p.datetime(),
  },
});

/**
 * One alert per fingerprint (alerts/store.ts): its current state, the sequence of its last
 * state change (each change is the previous sequence + 1, which makes recording idempotent)
 * and who acknowledged the current firing episode. Written with SQL under the evaluation lease.
 */
export const SlaAlert = defineEntity({
  name: 'SlaAlert',
  tableName: 'sla_alert',
  indexes: [{ name: 'sla_alert_tenant_state_idx', properties: ['tenantName', 'state'] }],
  properties: {
    fingerprint: p.string().length(64).primary(),
    state: p.string().length(16),
    sequence: p.integer(),
    ruleName: p.string().length(256),
    kind: p.string().length(16),
    tier: p.string().length(32).nullable(),
    severity: p.string().length(16),
    tenantName: p.string().length(256),
    teamName: p.string().length(256).nullable(),
    entityId: p.integer().nullable(),
    since: p.datetime(),
    resolvedAt: p.datetime().nullable(),
    acknowledgedBy: p.string().length(64).nullable(),
    acknowledgedAt: p.datetime().nullable(),
    lastChange: p.json<Record<string, unknown>>(),
    updatedAt: p.datetime(),
  },
});

/**
 * The alert outbox (alerts/outbox.ts): one row per state change and channel, ids in commit
 * order; pending while neither delivered nor dropped; `deliveryId` once a delivery carries it.
 */
export const SlaAlertOutbox = defineEntity({
  name: 'SlaAlertOutbox',
  tableName: 'sla_alert_outbox',
  indexes: [{ name: 'sla_alert_outbox_channel_idx', properties: ['channel', 'id'] }],
  properties: {
    id: p.bigint('number').primary(),
    fingerprint: p.string().length(64),
    sequence: p.integer(),
    tenantName: p.string().length(256),
    teamName: p.string().length(256).nullable(),
    channel: p.string().length(256),
    change: p.json<Record<string, unknown>>(),
    createdAt: p.datetime(),
    deliveryId: p.uuid().nullable(),
    deliveredAt: p.datetime().nullable(),
    droppedAt: p.datetime().nullable(),
  },
});

/**
 * The delivery log (alerts/deliveries.ts): one row per message, created before its first
 * attempt so a resend after a crash reuses its id and outbox ids; `attemptLog` holds the
 * latest attempts (status code, error, duration).
 */
export const SlaAlertDelivery = defineEntity({
  name: 'SlaAlertDelivery',
  tableName: 'sla_alert_delivery',
  indexes: [
    { name: 'sla_alert_delivery_created_idx', properties: ['createdAt'] },
    { name: 'sla_alert_delivery_channel_idx', properties: ['channel', 'deliveredAt'] },
  ],
  properties: {
    deliveryId: p.uuid().primary(),
    channel: p.string().length(256),
    tenantName: p.string().length(256),
    teamName: p.string().length(256).nullable(),
    outboxIds: p.type('bigint[]').columnType('bigint[]'),
    attempts: p.integer(),
    lastStatus: p.integer().nullable(),
    lastError: p.string().length(1000).nullable(),
    attemptLog: p.json<unknown[]>(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
    deliveredAt: p.datetime().nullable(),
    abandonedAt: p.datetime().nullable(),
    /** The Slack message a bot posted for it (`<channel id> <ts>`), so a later resolve edits it in place. */
    slackRef: p.string().length(256).nullable(),
  },
});

/** Fleet-wide leases with a fencing token (alerts/lease.ts): the alert sender's, the evaluator's. */
export const SlaLease = defineEntity({
  name: 'SlaLease',
  tableName: 'sla_lease',
  properties: {
    name: p.string().length(64).primary(),
    holder: p.string().length(256),
    token: p.bigint('number'),
    expiresAt: p.datetime(),
  },
});

/** Columns of a configuration object: whether the rules file declares it (read-only in the API), its times. */
const configColumns = () => ({ managedByFile: p.boolean(), createdAt: p.datetime(), updatedAt: p.datetime() });

/**
 * Alert rules (alerts/rule-writes.ts): `rule` is the rule as `ZAlertRule` holds it, without its
 * id (the row's). `managedByFile`: declared in the rules file, read-only through the API.
 */
export const SlaAlertRule = defineEntity({
  name: 'SlaAlertRule',
  tableName: 'sla_alert_rule',
  uniques: [{ name: 'sla_alert_rule_name_unique', properties: ['tenantName', 'name'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    tenantName: p.string().length(256),
    name: p.string().length(256),
    kind: p.string().length(16),
    rule: p.json<Record<string, unknown>>(),
    ...configColumns(),
  },
});

/**
 * Notification channels (alerts/channel-writes.ts): the `StoredChannel` of
 * alerts/channels/stored.ts; every secret only inside `sealed` (AES-256-GCM, secrets.ts).
 */
export const SlaAlertChannel = defineEntity({
  name: 'SlaAlertChannel',
  tableName: 'sla_alert_channel',
  properties: {
    tenantName: p.string().length(256).primary(),
    name: p.string().length(256).primary(),
    kind: p.string().length(16),
    url: p.string().length(2048).nullable(),
    slackChannel: p.string().length(256).nullable(),
    sealed: p.text().nullable(),
    hasSecret: p.boolean(),
    hasBotToken: p.boolean(),
    ...configColumns(),
  },
});

/** Explicit silences (alerts/silence-writes.ts): a scope, optionally one rule, a time span, a reason. */
export const SlaAlertSilence = defineEntity({
  name: 'SlaAlertSilence',
  tableName: 'sla_alert_silence',
  indexes: [{ name: 'sla_alert_silence_ends_idx', properties: ['endsAt'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    tenantName: p.string().length(256),
    teamName: p.string().length(256).nullable(),
    entityType: p.string().length(64).nullable(),
    entityId: p.integer().nullable(),
    ruleName: p.string().length(256).nullable(),
    startsAt: p.datetime(),
    endsAt: p.datetime(),
    reason: p.string().length(500),
    createdBy: p.string().length(64),
    createdAt: p.datetime(),
  },
});

/**
 * The objects the rules file manages (config-file/registry.ts): kind + the file's key → the
 * stored object's id, and the spec as the file wrote it (`${NAME}` placeholders, never a secret).
 */
export const SlaConfigObject = defineEntity({
  name: 'SlaConfigObject',
  tableName: 'sla_config_object',
  properties: {
    kind: p.string().length(16).primary(),
    key: p.string().length(1100).primary(),
    objectId: p.string().length(64).nullable(),
    spec: p.json<Record<string, unknown>>(),
    appliedAt: p.datetime(),
  },
});

/** SLA targets the rules file declares (config-file/target-store.ts); ingest prefers them (ingest/file-targets.ts). */
export const SlaConfigTarget = defineEntity({
  name: 'SlaConfigTarget',
  tableName: 'sla_config_target',
  indexes: [{ name: 'sla_config_target_tenant_idx', properties: ['tenantName'] }],
  properties: {
    key: p.string().length(1100).primary(),
    tenantName: p.string().length(256),
    teamName: p.string().length(256).nullable(),
    entityType: p.string().length(256).nullable(),
    entityName: p.string().length(256).nullable(),
    entityId: p.integer().nullable(),
    slaTarget: p.double(),
  },
});
