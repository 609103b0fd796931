import type { ChannelAnswer, ChannelInput, DeliveryResult } from '@sla/shared';
import { AppError } from '../platform/errors.js';
import { assertTenantExists } from '../policy/scope.js';
import { assertAdminOf } from '../trpc/admin-of.js';
import type { Admin } from '../trpc/context.js';
import { type AlertApiDeps, assertLoaded, assertNotManaged } from './api-deps.js';
import { channelRecordAnswer, deleteChannelRow, insertChannelRow, updateChannelRow } from './channel-rows.js';
import { sendTest } from './channels/send.js';
import { openChannel, prepareChannel } from './channels/stored.js';
import { readChannel, readChannels } from './config-store.js';

/**
 * Notification channels through the API: listed without secrets (`channelAnswer`), written
 * by the tenant's admins (validated and sealed by `prepareChannel`), audited without secrets.
 */

const q = JSON.stringify;
const notFound = (tenantName: string, name: string) =>
  new AppError('NOT_FOUND', `name: tenant ${q(tenantName)} has no channel ${q(name)}`);

/** Which channel a request names. */
export type ChannelRef = { tenantName: string; name: string };

/** The channels of one tenant (every tenant when unset). @throws DatabaseUnavailable */
export async function listChannels(d: Pick<AlertApiDeps, 'db'>, tenantName?: string): Promise<ChannelAnswer[]> {
  return (await readChannels(d.db.sql, tenantName ?? null)).map(channelRecordAnswer);
}

/**
 * Creates a channel (audited in the same transaction). `input` is a `ZChannelInput`.
 * @throws AppError FORBIDDEN, BAD_INPUT naming the field (`url` for a refused address or a
 *   Slack URL of the wrong form, `tenantName` for an unknown tenant, `secret` without
 *   ALERT_SECRET_KEY), CONFLICT (the name is taken in the tenant), UNAVAILABLE.
 */
export async function createChannel(d: AlertApiDeps, admin: Admin, input: ChannelInput): Promise<ChannelAnswer> {
  assertAdminOf(admin, input.tenantName);
  assertLoaded(d);
  assertTenantExists(d.view, input.tenantName);
  const stored = await prepareChannel(input, { channel: d.channel, box: d.box });
  return d.db.tx(async (sql) =>
    channelRecordAnswer(await insertChannelRow(sql, admin.label, stored, { managedByFile: false })),
  );
}

/**
 * Replaces channel `tenantName`/`name` (audited). Secrets are write-only: one the input
 * leaves out is kept (`prepareChannel`).
 * @throws AppError NOT_FOUND, FORBIDDEN, CONFLICT (managed by the rules file), BAD_INPUT
 *   naming the field, UNAVAILABLE.
 */
export async function updateChannel(d: AlertApiDeps, admin: Admin, input: ChannelInput): Promise<ChannelAnswer> {
  assertAdminOf(admin, input.tenantName);
  return d.db.tx(async (sql) => {
    const before = await readChannel(sql, input.tenantName, input.name, true);
    if (!before) throw notFound(input.tenantName, input.name);
    assertNotManaged(d, `channel ${q(input.name)}`, before);
    const stored = await prepareChannel(input, { channel: d.channel, box: d.box }, before.channel);
    return channelRecordAnswer(await updateChannelRow(sql, admin.label, before, stored));
  });
}

/**
 * Deletes a channel no rule names (audited).
 * @throws AppError NOT_FOUND, FORBIDDEN, CONFLICT (managed by the rules file, or rules still
 *   name it: they are listed, change them first).
 */
export async function deleteChannel(
  d: Pick<AlertApiDeps, 'db' | 'configFile'>,
  admin: Admin,
  ref: ChannelRef,
): Promise<ChannelAnswer> {
  assertAdminOf(admin, ref.tenantName);
  return d.db.tx(async (sql) => {
    const before = await readChannel(sql, ref.tenantName, ref.name, true);
    if (!before) throw notFound(ref.tenantName, ref.name);
    assertNotManaged(d, `channel ${q(ref.name)}`, before);
    await deleteChannelRow(sql, admin.label, before);
    return channelRecordAnswer(before);
  });
}

/**
 * The "send test" action: sends `testMessage` to the stored channel and answers what the
 * receiver did (never throws for a failed delivery: `ok: false` with the status or error).
 * Writes nothing and enters no delivery log.
 * @throws AppError NOT_FOUND, FORBIDDEN; UNPROCESSABLE when the channel's secrets cannot be
 *   opened (ALERT_SECRET_KEY unset or changed).
 */
export async function testChannel(
  d: Pick<AlertApiDeps, 'db' | 'channel' | 'box'>,
  admin: Admin,
  ref: ChannelRef,
): Promise<DeliveryResult> {
  assertAdminOf(admin, ref.tenantName);
  const record = await readChannel(d.db.sql, ref.tenantName, ref.name);
  if (!record) throw notFound(ref.tenantName, ref.name);
  let sendable: ReturnType<typeof openChannel>;
  try {
    sendable = openChannel(record.channel, d.box);
  } catch (err) {
    throw new AppError('UNPROCESSABLE', (err as Error).message);
  }
  const { ref: _slackRef, ...result } = await sendTest(sendable, d.channel);
  return result;
}
