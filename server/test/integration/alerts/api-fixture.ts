import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { App } from '../../../src/bootstrap.js';
import { PG_URL } from '../../support/app.js';
import { startPolicyPod } from '../policy/fixture.js';

export { bearer, request, TOKENS, trpc } from '../policy/fixture.js';

/** The Slack webhook host the pod accepts: loopback (allowed below), so no test resolves a public name. */
export const SLACK_HOST = '127.0.0.1';
/** A well-formed Slack incoming-webhook URL for `SLACK_HOST`; its path is the credential. */
export const SLACK_URL = `https://${SLACK_HOST}/services/T0001/B0001/slack-path-credential-42`;
export const WEBHOOK_SECRET = 'whsec-never-answered-7f3a9c';
/** The ALERT_SECRET_KEY of every pod of `startAlertsPod` in this test file, so a test can open what a pod sealed. */
export const ALERT_KEY = randomBytes(32);

/**
 * A pod with the policy fixture's tokens and entities (tenants Data Engineering and Finance),
 * a secret key for channel secrets, and loopback allowed as a channel target.
 */
export function startAlertsPod(schema: string, env: Record<string, string> = {}): Promise<App> {
  return startPolicyPod(schema, {
    ALERT_SECRET_KEY: ALERT_KEY.toString('base64'),
    ALERT_ALLOWED_TARGETS: '127.0.0.1',
    SLACK_WEBHOOK_HOST: SLACK_HOST,
    ...env,
  });
}

/** A webhook channel of Data Engineering named `name`, pointing at `url`. */
export const webhook = (name: string, url: string, over: Record<string, unknown> = {}) => ({
  name,
  tenantName: 'Data Engineering',
  kind: 'webhook',
  url,
  secret: WEBHOOK_SECRET,
  ...over,
});

/** A burn-rate rule of Data Engineering with the default tiers. */
export const burnRule = (name: string, over: Record<string, unknown> = {}) => ({
  name,
  tenantName: 'Data Engineering',
  kind: 'burn_rate',
  ...over,
});

/** A silence of Data Engineering ending in an hour. */
export const silence = (over: Record<string, unknown> = {}) => ({
  tenantName: 'Data Engineering',
  endsAt: new Date(Date.now() + 3_600_000).toISOString(),
  reason: 'warehouse migration',
  ...over,
});

/** Runs `fn` with a client on the test database. */
export async function withPg<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Row counts of the alerting configuration tables and the audit log, straight from PostgreSQL. */
export function alertCounts(schema: string) {
  return withPg(async (c) => {
    const n = async (table: string) =>
      Number((await c.query(`SELECT count(*) AS n FROM "${schema}".${table}`)).rows[0].n);
    return {
      rules: await n('sla_alert_rule'),
      channels: await n('sla_alert_channel'),
      silences: await n('sla_alert_silence'),
      audit: await n('sla_audit'),
    };
  });
}
