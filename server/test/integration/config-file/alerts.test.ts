import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/bootstrap.js';
import { dropSchema, uniqueSchema } from '../../support/app.js';
import { alertCounts, bearer, request, startAlertsPod, TOKENS, withPg } from '../alerts/api-fixture.js';
import { rulesFile } from './helpers.js';

const HOOK_SECRET = `hook-${randomBytes(8).toString('hex')}`;

const CHANNEL = `  - name: ops-hook
    tenantName: Data Engineering
    kind: webhook
    url: http://127.0.0.1:9/sla
    secret: \${HOOK_SECRET}
`;
const RULE = `  - name: orders-burn
    tenantName: Data Engineering
    kind: burn_rate
    scope: { teamName: PGM }
    channels: [ops-hook]
`;
const FILE = `version: 1\nchannels:\n${CHANNEL}rules:\n${RULE}`;

describe('alert rules and channels in the rules file (a pod started with CONFIG_FILE)', { timeout: 30_000 }, () => {
  const schema = uniqueSchema('config_file_alerts');
  const file = rulesFile(FILE);
  const key = randomBytes(32).toString('base64');
  const auth = bearer(TOKENS.root);
  let seeder: App;
  let pod: App;
  const call = (method: string, path: string, body?: unknown) => request(pod.url, method, path, body, auth);
  const configAudit = () =>
    withPg(async (c) => {
      const q = `SELECT object_type, action FROM "${schema}".sla_audit WHERE actor = 'config-file' ORDER BY id`;
      return (await c.query(q)).rows.map((r) => `${r.object_type}:${r.action}`);
    });

  beforeAll(async () => {
    // The tenant and team exist once their entities have reported: the first pod seeds them.
    seeder = await startAlertsPod(schema, { ALERT_SECRET_KEY: key });
    process.env.HOOK_SECRET = HOOK_SECRET;
    pod = await startAlertsPod(schema, { ALERT_SECRET_KEY: key, CONFIG_FILE: file.path });
  }, 60_000);
  afterAll(async () => {
    delete process.env.HOOK_SECRET;
    delete process.env.OTHER_HOOK_SECRET;
    await Promise.all([seeder?.close(), pod?.close()]);
    await dropSchema(schema);
  });

  it('applies the channel and the rule at start; the API lists them as managed, without the secret', async () => {
    const rules = await call('GET', '/api/alerts/rules');
    expect(rules.json.items).toEqual([
      expect.objectContaining({ name: 'orders-burn', managedByFile: true, channels: ['ops-hook'] }),
    ]);
    const channels = await call('GET', '/api/alerts/channels');
    expect(channels.json.items).toEqual([
      expect.objectContaining({ name: 'ops-hook', managedByFile: true, hasSecret: true }),
    ]);
    expect(channels.text + rules.text).not.toContain(HOOK_SECRET);
    expect(await configAudit()).toEqual(
      expect.arrayContaining(['alert_channel:create', 'alert_rule:create', 'config_file:apply']),
    );
    const audited = await withPg(async (c) => (await c.query(`SELECT after::text FROM "${schema}".sla_audit`)).rows);
    expect(JSON.stringify(audited)).not.toContain(HOOK_SECRET);
  });

  it('PUT and DELETE of them over the API are 409s naming the file', async () => {
    const [rule] = (await call('GET', '/api/alerts/rules')).json.items as { id: number }[];
    const attempts = [
      await call('PUT', `/api/alerts/rules/${rule?.id}`, {
        name: 'orders-burn',
        tenantName: 'Data Engineering',
        kind: 'burn_rate',
      }),
      await call('DELETE', `/api/alerts/rules/${rule?.id}`),
      await call('PUT', '/api/alerts/channels/Data%20Engineering/ops-hook', {
        name: 'ops-hook',
        tenantName: 'Data Engineering',
        kind: 'webhook',
        url: 'http://127.0.0.1:9/other',
      }),
      await call('DELETE', '/api/alerts/channels/Data%20Engineering/ops-hook'),
    ];
    for (const r of attempts) {
      expect(r.status, r.text).toBe(409);
      expect(r.json.message).toContain('managed by the rules file alerts.yaml');
    }
  });

  it('export → reload plans nothing, rules and channels included; the secret is exported as its placeholder', async () => {
    const exported = await call('GET', '/api/config/export');
    expect(exported.status, exported.text).toBe(200);
    const yaml = String(exported.json.yaml);
    expect(yaml).toContain(`secret: \${HOOK_SECRET}`);
    expect(yaml).toContain('name: orders-burn');
    expect(yaml).not.toContain(HOOK_SECRET);
    file.write(yaml);
    const r = await call('POST', '/api/config/reload', {});
    expect(r.status, r.text).toBe(200);
    expect(r.json.applied).toBe(false);
    for (const kind of Object.values(r.json.plan as object))
      expect(kind).toEqual({ create: [], update: [], delete: [] });
  });

  it('a dry run over REST shows the plan and writes nothing', async () => {
    file.write(FILE.replace('scope: { teamName: PGM }', 'scope: {}').replace('HOOK_SECRET', 'OTHER_HOOK_SECRET'));
    process.env.OTHER_HOOK_SECRET = 'rotated';
    const before = await alertCounts(schema);
    const r = await call('POST', '/api/config/reload?dryRun=true', {});
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ dryRun: true, applied: false });
    const plan = r.json.plan as Record<string, { update: { key: string; after: Record<string, unknown> }[] }>;
    expect(plan.rules?.update.map((u) => u.key)).toEqual(['Data Engineering/orders-burn']);
    expect(plan.channels?.update.map((u) => u.after.secret)).toEqual([`\${OTHER_HOOK_SECRET}`]);
    expect(r.text).not.toContain('rotated');
    expect(await alertCounts(schema)).toEqual(before);
  });

  it('a rule naming an unknown channel is a 400 naming the file line; nothing is written', async () => {
    file.write(`${FILE}  - name: bad\n    tenantName: Data Engineering\n    kind: burn_rate\n    channels: [nope]\n`);
    const before = await alertCounts(schema);
    const r = await call('POST', '/api/config/reload', {});
    expect(r.status, r.text).toBe(400);
    // Line 14: where the second rule starts.
    expect(r.json.message).toMatch(/^alerts\.yaml:14: rules\.Data Engineering\/bad\.channels\.0: .*no channel "nope"/);
    expect(await alertCounts(schema)).toEqual(before);
  });

  it('removing them from the file and reloading deletes them (audited as config-file)', async () => {
    file.write('version: 1\n');
    const r = await call('POST', '/api/config/reload', {});
    expect(r.status, r.text).toBe(200);
    expect(r.json.plan).toMatchObject({
      rules: { delete: [expect.objectContaining({ key: 'Data Engineering/orders-burn' })] },
      channels: { delete: [expect.objectContaining({ key: 'Data Engineering/ops-hook' })] },
    });
    expect((await call('GET', '/api/alerts/rules')).json.items).toEqual([]);
    expect((await call('GET', '/api/alerts/channels')).json.items).toEqual([]);
    expect(await configAudit()).toEqual(expect.arrayContaining(['alert_rule:delete', 'alert_channel:delete']));
  });
  it('a rule made through the API and named unchanged in the file is adopted: read-only here, deleted with the file', async () => {
    const rule = { name: 'adopted', tenantName: 'Data Engineering', kind: 'burn_rate' };
    const created = await call('POST', '/api/alerts/rules', rule);
    expect(created.json.managedByFile, created.text).toBe(false);
    // The target makes the apply happen; the rule itself plans no change.
    file.write(
      `version: 1\nrules:\n  - name: adopted\n    tenantName: Data Engineering\n    kind: burn_rate\ntargets:\n  - tenantName: Data Engineering\n    slaTarget: 99\n`,
    );
    const applied = await call('POST', '/api/config/reload', {});
    expect(applied.json).toMatchObject({ applied: true, plan: { rules: { create: [], update: [], delete: [] } } });
    const put = await call('PUT', `/api/alerts/rules/${created.json.id}`, { ...rule, severity: undefined });
    expect(put.status, put.text).toBe(409);
    file.write('version: 1\n');
    await call('POST', '/api/config/reload', {});
    expect((await call('GET', '/api/alerts/rules')).json.items).toEqual([]);
  });
});

describe('a rules file that cannot be applied at start', { timeout: 30_000 }, () => {
  const schema = uniqueSchema('config_file_bad');
  let pod: App;
  afterAll(async () => {
    await pod?.close();
    await dropSchema(schema);
  });

  it('does not stop the pod: it serves on with the stored configuration, nothing applied', async () => {
    // Refused (its channel is declared nowhere, and its tenant has not reported yet); the boot is not.
    const bad = rulesFile(
      `version: 1\nrules:\n  - name: r\n    tenantName: Data Engineering\n    kind: burn_rate\n    channels: [nope]\n`,
    );
    pod = await startAlertsPod(schema, { CONFIG_FILE: bad.path });
    const rules = await request(pod.url, 'GET', '/api/alerts/rules', undefined, bearer(TOKENS.root));
    expect(rules.status).toBe(200);
    expect(rules.json.items).toEqual([]);
    expect(await withPg(async (c) => (await c.query(`SELECT 1 FROM "${schema}".sla_config_object`)).rowCount)).toBe(0);
  });
});
