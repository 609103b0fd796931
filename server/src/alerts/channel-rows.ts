import type { ChannelAnswer } from '@sla/shared';
import type { Sql } from '../db/sql.js';
import { AppError } from '../platform/errors.js';
import { auditorOf, conflictOnDuplicate } from './api-deps.js';
import { channelAnswer, type StoredChannel } from './channels/stored.js';
import { type ChannelRecord, readChannel } from './config-store.js';
import type { RowOwner } from './rule-rows.js';

/**
 * The audited row writes of notification channels inside the caller's transaction: the API
 * (channel-writes.ts) and the rules file (wiring/config-file-alerts.ts) both write through
 * these. The channel comes validated and sealed (`prepareChannel`); none checks who may write.
 */

const q = JSON.stringify;

/** A channel as the API answers it: flags instead of secrets, so the audit log holds none either. */
export const channelRecordAnswer = (c: ChannelRecord): ChannelAnswer => ({
  ...channelAnswer(c.channel),
  managedByFile: c.managedByFile,
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
});

const audit = auditorOf<ChannelRecord>({
  objectType: 'alert_channel',
  idOf: (c) => c.channel.name,
  tenantOf: (c) => c.channel.tenantName,
  show: channelRecordAnswer,
});

const COLUMNS = (c: StoredChannel) => [c.kind, c.url, c.slackChannel, c.sealed, c.hasSecret, c.hasBotToken];

/**
 * Inserts channel `stored` written by `actor` (audited). Returns it as stored.
 * @throws AppError CONFLICT when the tenant already has a channel of that name.
 */
export async function insertChannelRow(
  sql: Sql,
  actor: string,
  stored: StoredChannel,
  owner: RowOwner,
): Promise<ChannelRecord> {
  const taken = `name: tenant ${q(stored.tenantName)} already has a channel named ${q(stored.name)}`;
  if (await readChannel(sql, stored.tenantName, stored.name)) throw new AppError('CONFLICT', taken);
  await conflictOnDuplicate(
    () =>
      sql(
        `INSERT INTO sla_alert_channel (tenant_name, name, kind, url, slack_channel, sealed, has_secret, has_bot_token,
           managed_by_file, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, now(), now())`,
        [stored.tenantName, stored.name, ...COLUMNS(stored), owner.managedByFile],
      ),
    taken,
  );
  const created = (await readChannel(sql, stored.tenantName, stored.name)) as ChannelRecord;
  await audit(sql, { label: actor }, 'create', null, created);
  return created;
}

/**
 * Replaces channel `before` with `stored` (same tenant and name; audited). `owner` unset
 * keeps the row's `managed_by_file`; the rules file passes true (it adopts the channel).
 */
export async function updateChannelRow(
  sql: Sql,
  actor: string,
  before: ChannelRecord,
  stored: StoredChannel,
  owner?: RowOwner,
): Promise<ChannelRecord> {
  await sql(
    `UPDATE sla_alert_channel SET kind = ?, url = ?, slack_channel = ?, sealed = ?, has_secret = ?, has_bot_token = ?,
       managed_by_file = coalesce(?::boolean, managed_by_file), updated_at = now() WHERE tenant_name = ? AND name = ?`,
    [...COLUMNS(stored), owner?.managedByFile ?? null, stored.tenantName, stored.name],
  );
  const after = (await readChannel(sql, stored.tenantName, stored.name)) as ChannelRecord;
  await audit(sql, { label: actor }, 'update', before, after);
  return after;
}

/**
 * Deletes channel `before` when no rule names it (audited).
 * @throws AppError CONFLICT listing the rules still naming it (change them first).
 */
export async function deleteChannelRow(sql: Sql, actor: string, before: ChannelRecord): Promise<void> {
  const { tenantName, name } = before.channel;
  const users = await sql<{ name: string }>(
    `SELECT name FROM sla_alert_rule WHERE tenant_name = ? AND (rule->'channels') @> jsonb_build_array(?::text) ORDER BY name`,
    [tenantName, name],
  );
  if (users.length > 0)
    throw new AppError(
      'CONFLICT',
      `name: channel ${q(name)} is used by rules ${users.map((u) => q(u.name)).join(', ')}; remove it from them first`,
    );
  await sql('DELETE FROM sla_alert_channel WHERE tenant_name = ? AND name = ?', [tenantName, name]);
  await audit(sql, { label: actor }, 'delete', before, null);
}

/** Marks the channel as managed by the rules file (it names the channel unchanged: adopted as it is). Not audited: nothing about the channel changes. */
export async function markChannelManaged(sql: Sql, tenantName: string, name: string): Promise<void> {
  await sql('UPDATE sla_alert_channel SET managed_by_file = true WHERE tenant_name = ? AND name = ?', [
    tenantName,
    name,
  ]);
}
