import { ZAlertRuleInput } from '@sla/shared';
import type { Db } from '../db/sql.js';
import { type ChannelWriteDeps, prepareChannel } from './channels/stored.js';

/** Channels and rules in the API's input shapes (`ZChannelInput`, `ZAlertRuleInput`). */
export type AlertConfigInput = { channels: unknown[]; rules: unknown[] };

/**
 * Writes channels and rules into the configuration tables, replacing any of the same tenant and
 * name, in one transaction: for configuration a process owns outright (the demo's, seeded at
 * every start with its receiver's new port; a benchmark's). Channels go through
 * `prepareChannel` (the API's validation, target guard and sealing), rules through
 * `ZAlertRuleInput`; unlike the API, tenants and scopes are not checked against the view (it
 * may not be loaded yet), and nothing is audited. Rules must name channels of their tenant.
 * @throws Error naming the field when an input is invalid (nothing written); DatabaseUnavailable.
 */
export async function upsertAlertConfig(
  db: Pick<Db, 'tx'>,
  input: AlertConfigInput,
  deps: ChannelWriteDeps,
): Promise<void> {
  const channels = await Promise.all(input.channels.map((c) => prepareChannel(c, deps)));
  const rules = input.rules.map((r, i) => {
    const parsed = ZAlertRuleInput.safeParse(r);
    if (!parsed.success)
      throw new Error(`rules.${i}.${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  });
  await db.tx(async (sql) => {
    for (const c of channels)
      await sql(
        `INSERT INTO sla_alert_channel (tenant_name, name, kind, url, slack_channel, sealed, has_secret, has_bot_token,
           managed_by_file, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, false, now(), now())
         ON CONFLICT (tenant_name, name) DO UPDATE SET kind = excluded.kind, url = excluded.url,
           slack_channel = excluded.slack_channel, sealed = excluded.sealed, has_secret = excluded.has_secret,
           has_bot_token = excluded.has_bot_token, updated_at = now()`,
        [c.tenantName, c.name, c.kind, c.url, c.slackChannel, c.sealed, c.hasSecret, c.hasBotToken],
      );
    for (const r of rules)
      await sql(
        `INSERT INTO sla_alert_rule (tenant_name, name, kind, rule, managed_by_file, created_at, updated_at)
         VALUES (?, ?, ?, ?::jsonb, false, now(), now())
         ON CONFLICT (tenant_name, name) DO UPDATE SET kind = excluded.kind, rule = excluded.rule, updated_at = now()`,
        [r.tenantName, r.name, r.kind, JSON.stringify(r)],
      );
  });
}
