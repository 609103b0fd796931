import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/bootstrap.js';
import { dropSchema, uniqueSchema } from '../../support/app.js';
import {
  alertCounts,
  bearer,
  request,
  SLACK_URL,
  startAlertsPod,
  TOKENS,
  WEBHOOK_SECRET,
} from '../alerts/api-fixture.js';
import { oneOff } from '../policy/fixture.js';
import { rulesFile } from './helpers.js';

const HOOK_SECRET = `hook-${randomBytes(8).toString('hex')}`;
const BOT_TOKEN = `xoxb-${randomBytes(8).toString('hex')}`;
const DE = 'Data Engineering';

const FILE = `version: 1
channels:
  - name: ops-hook
    tenantName: ${DE}
    kind: webhook
    url: http://127.0.0.1:9/sla
    secret: \${RT_HOOK_SECRET}
  - name: file-hook
    tenantName: ${DE}
    kind: webhook
    url: http://127.0.0.1:9/other
rules:
  - name: file-burn
    tenantName: ${DE}
    kind: burn_rate
    channels: [ops-hook]
`;

/** The variables an export of the API-made channels names (export.ts `variableFor`). */
const EXPORT_ENV = {
  CHANNEL_DATA_ENGINEERING_API_HOOK_SECRET: WEBHOOK_SECRET,
  CHANNEL_DATA_ENGINEERING_API_SLACK_URL: SLACK_URL,
  CHANNEL_DATA_ENGINEERING_API_BOT_BOTTOKEN: BOT_TOKEN,
};

const EMPTY = { create: [], update: [], delete: [] };

type Plan = Record<string, Record<'create' | 'update' | 'delete', { key: string }[]>>;
/** The keys a plan lists for `kind` under `change`. */
const keys = (plan: unknown, kind: string, change: 'create' | 'update' | 'delete') =>
  (plan as Plan)[kind]?.[change].map((o) => o.key);

describe('rules file: export round trip, and a dry run refusing what the apply refuses', { timeout: 30_000 }, () => {
  const schema = uniqueSchema('config_file_round_trip');
  const file = rulesFile('version: 1\n');
  const key = randomBytes(32).toString('base64');
  const auth = bearer(TOKENS.root);
  let seeder: App;
  let pod: App;
  const call = (method: string, path: string, body?: unknown) => request(pod.url, method, path, body, auth);
  const reload = (dryRun: boolean) => call('POST', `/api/config/reload${dryRun ? '?dryRun=true' : ''}`, {});

  beforeAll(async () => {
    // The tenant and team exist once their entities have reported: the first pod seeds them.
    seeder = await startAlertsPod(schema, { ALERT_SECRET_KEY: key });
    process.env.RT_HOOK_SECRET = HOOK_SECRET;
    pod = await startAlertsPod(schema, { ALERT_SECRET_KEY: key, CONFIG_FILE: file.path });
  }, 60_000);
  afterAll(async () => {
    for (const name of ['RT_HOOK_SECRET', ...Object.keys(EXPORT_ENV)]) delete process.env[name];
    await Promise.all([seeder?.close(), pod?.close()]);
    await dropSchema(schema);
  });

  it('export → dry run of the export plans nothing: channels with secrets, Slack, rules of each kind, a window, a time zone', async () => {
    file.write(FILE);
    expect((await reload(false)).status).toBe(200);
    const made = [
      await call('POST', '/api/alerts/channels', {
        name: 'api-hook',
        tenantName: DE,
        kind: 'webhook',
        url: 'http://127.0.0.1:9/api',
        secret: WEBHOOK_SECRET,
      }),
      await call('POST', '/api/alerts/channels', { name: 'api-slack', tenantName: DE, kind: 'slack', url: SLACK_URL }),
      await call('POST', '/api/alerts/channels', {
        name: 'api-bot',
        tenantName: DE,
        kind: 'slack',
        slack: { channel: 'C0001', botToken: BOT_TOKEN },
      }),
      await call('POST', '/api/alerts/rules', {
        name: 'api-burn',
        tenantName: DE,
        kind: 'burn_rate',
        scope: { teamName: 'PGM' },
        channels: ['api-hook', 'ops-hook'],
      }),
      await call('POST', '/api/alerts/rules', {
        name: 'api-status',
        tenantName: DE,
        kind: 'status',
        status: { to: 'Failed', forMinutes: 5 },
        channels: ['api-slack'],
      }),
      await call('POST', '/api/alerts/rules', {
        name: 'api-stale',
        tenantName: DE,
        kind: 'stale',
        stale: { forMinutes: 90 },
        channels: ['api-bot'],
      }),
      await call('POST', '/api/windows', oneOff({ rrule: 'FREQ=WEEKLY;BYDAY=SA' })),
      await call('POST', '/api/budgets/settings', { tenantName: DE, timeZone: 'Europe/Berlin' }),
    ];
    for (const r of made) expect(r.status, r.text).toBe(200);

    const exported = await call('GET', '/api/config/export');
    expect(exported.status, exported.text).toBe(200);
    const yaml = String(exported.json.yaml);
    for (const secret of [HOOK_SECRET, WEBHOOK_SECRET, BOT_TOKEN, 'slack-path-credential', '/services/'])
      expect(yaml).not.toContain(secret);
    for (const name of ['RT_HOOK_SECRET', ...Object.keys(EXPORT_ENV)]) expect(yaml).toContain(`\${${name}}`);
    expect(yaml).toContain('timeZone: Europe/Berlin');
    for (const rule of ['api-burn', 'api-status', 'api-stale', 'file-burn']) expect(yaml).toContain(`name: ${rule}`);
    expect(yaml).toMatch(/key: window-\d+/);

    Object.assign(process.env, EXPORT_ENV);
    file.write(yaml);
    const before = await alertCounts(schema);
    const dry = await reload(true);
    expect(dry.status, dry.text).toBe(200);
    for (const kind of Object.values(dry.json.plan as object)) expect(kind).toEqual(EMPTY);
    const applied = await reload(false);
    expect(applied.json, applied.text).toMatchObject({ applied: false });
    expect(await alertCounts(schema)).toEqual(before);

    // Another value under a placeholder is a change of that channel only, its value never shown.
    process.env.CHANNEL_DATA_ENGINEERING_API_SLACK_URL = SLACK_URL.replace('42', '43');
    const rotated = await reload(true);
    expect(rotated.status, rotated.text).toBe(200);
    expect(keys(rotated.json.plan, 'channels', 'update')).toEqual([`${DE}/api-slack`]);
    expect(rotated.text).not.toContain('slack-path-credential');
    process.env.CHANNEL_DATA_ENGINEERING_API_SLACK_URL = SLACK_URL;
  });

  it('a rule naming a channel declared nowhere: the dry run answers the same 400 as the reload', async () => {
    file.write(`${FILE}  - name: bad\n    tenantName: ${DE}\n    kind: burn_rate\n    channels: [nope]\n`);
    const before = await alertCounts(schema);
    const dry = await reload(true);
    const real = await reload(false);
    expect(dry.status, dry.text).toBe(400);
    expect(dry.json.message).toMatch(
      /^alerts\.yaml:17: rules\.Data Engineering\/bad\.channels\.0: .*no channel "nope"/,
    );
    expect(real.status).toBe(400);
    expect(real.json.message).toBe(dry.json.message);
    expect(await alertCounts(schema)).toEqual(before);
  });

  it('an unknown field inside a channel or a rule is a 400 naming its line, dry run or not', async () => {
    file.write(FILE.replace('    kind: burn_rate\n', '    kind: burn_rate\n    colour: red\n'));
    for (const dryRun of [true, false]) {
      const r = await reload(dryRun);
      expect(r.status, r.text).toBe(400);
      expect(r.json.message).toBe('alerts.yaml:16: rules.0.colour: Unrecognized key: "colour"');
    }
  });

  it('a Slack channel in the file passes with the URL form SLACK_WEBHOOK_HOST allows, as in the API', async () => {
    process.env.RT_SLACK_URL = SLACK_URL;
    file.write(
      `${FILE.split('rules:')[0]}  - name: file-slack\n    tenantName: ${DE}\n    kind: slack\n    url: \${RT_SLACK_URL}\n`,
    );
    const r = await reload(true);
    delete process.env.RT_SLACK_URL;
    expect(r.status, r.text).toBe(200);
    expect(keys(r.json.plan, 'channels', 'create')).toEqual([`${DE}/file-slack`]);
  });

  it('removing a channel an API-made rule still uses: dry run and reload both 409 naming the file and line', async () => {
    file.write(FILE);
    expect((await reload(false)).status).toBe(200);
    expect(
      (
        await call('POST', '/api/alerts/rules', {
          name: 'uses-file-hook',
          tenantName: DE,
          kind: 'burn_rate',
          channels: ['file-hook'],
        })
      ).status,
    ).toBe(200);
    file.write(FILE.replace(/ {2}- name: file-hook\n(?: {4}.*\n)+?(?=rules:)/, ''));
    const before = await alertCounts(schema);
    const dry = await reload(true);
    const real = await reload(false);
    expect(dry.status, dry.text).toBe(409);
    // Line 2: the channels section the channel was removed from.
    expect(dry.json.message).toBe(
      'alerts.yaml:2: channels.Data Engineering/file-hook: removed from the file but still used by rules "Data Engineering/uses-file-hook"; remove it from them first (or keep it in the file)',
    );
    expect(real.status).toBe(409);
    expect(real.json.message).toBe(dry.json.message);
    expect(await alertCounts(schema)).toEqual(before);
  });
});
