import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/bootstrap.js';
import { applyConfigAtStart, type ConfigFileDeps } from '../../../src/config-file/service.js';
import { dropSchema, eventually, post, UPDATE, uniqueSchema } from '../../support/app.js';
import { uniquePrefix } from '../../support/ids.js';
import { bearer, request, startPolicyPod, TOKENS } from '../policy/fixture.js';
import { callerAs, depsOf, rulesFile, tableCounts } from './helpers.js';

const FILE = `version: 1
tenants:
  - tenantName: Data Engineering
    timeZone: Europe/Berlin
    windowDays: 30
windows:
  - key: saturday-patching
    tenantName: Data Engineering
    category: maintenance
    reason: weekly patching
    start: 2026-12-05T02:00:00+01:00
    end: 2026-12-05T04:00:00+01:00
    rrule: FREQ=WEEKLY;BYDAY=SA
targets:
  - tenantName: ${UPDATE.tenantName}
    teamName: ${UPDATE.teamName}
    slaTarget: 99.5
`;

describe('rules file across two pods (real PostgreSQL and Redis)', { timeout: 30_000 }, () => {
  const schema = uniqueSchema('config_file');
  const file = rulesFile(FILE);
  let a: App;
  let b: App;
  let da: ConfigFileDeps;
  let db: ConfigFileDeps;

  beforeAll(async () => {
    // One key prefix: the pods share Redis's announcements, as a fleet does.
    const env = { REDIS_KEY_PREFIX: uniquePrefix('config_file') };
    a = await startPolicyPod(schema, { ...env, POD_ID: 'config-a' });
    b = await startPolicyPod(schema, { ...env, POD_ID: 'config-b' });
    da = depsOf(a, file.path, schema);
    db = depsOf(b, file.path, schema);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await dropSchema(schema);
  });

  it('applies windows, settings and targets at start, and every pod sees them', async () => {
    const result = await applyConfigAtStart(da);
    expect(result?.applied).toBe(true);
    expect(await tableCounts(schema)).toMatchObject({ applies: 1, windows: 1, targets: 1, settings: 1 });
    // Pod b learns of it through the PolicyStore's announcement, not by applying anything.
    await eventually(() => b.deps.policy.settingsOf('Data Engineering').timeZone === 'Europe/Berlin', 10_000);
    await eventually(() => b.deps.policy.windows().some((w) => w.reason === 'weekly patching'), 10_000);
    // The second pod starting with the same file finds nothing to do.
    expect((await applyConfigAtStart(db))?.applied).toBe(false);
    expect((await tableCounts(schema)).applies).toBe(1);
  });

  it('objects the file manages are read-only in the API (409 naming the file, as alert rules and channels); others stay writable', async () => {
    const managed = a.deps.policy.windows().find((w) => w.reason === 'weekly patching');
    const auth = bearer(TOKENS.root);
    const patch = await request(a.url, 'PATCH', `/api/windows/${managed?.id}`, { reason: 'moved' }, auth);
    expect(patch.status).toBe(409);
    expect(patch.text).toContain('managed by the rules file');
    expect((await request(a.url, 'DELETE', `/api/windows/${managed?.id}`, undefined, auth)).status).toBe(409);
    const settings = { tenantName: 'Data Engineering', windowDays: 7 };
    expect((await request(a.url, 'POST', '/api/budgets/settings', settings, auth)).status).toBe(409);
    const finance = { tenantName: 'Finance', windowDays: 7 };
    expect((await request(a.url, 'POST', '/api/budgets/settings', finance, auth)).status).toBe(200);
  });

  it("a target in the file wins over the poller's slaTarget, and the outcome says so", async () => {
    const r = await post(b.url, '/api/cache/incremental-update', { ...UPDATE, slaTarget: 90 }, bearer(TOKENS.ingest));
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ outcome: 'applied', targetFrom: 'file', entity: { slaTarget: 99.5 } });
    const other = await post(
      b.url,
      '/api/cache/incremental-update',
      { ...UPDATE, tenantName: 'Finance', teamName: 'Ledger', entityName: 'ledger_table', slaTarget: 90 },
      bearer(TOKENS.ingest),
    );
    expect(other.json).toMatchObject({ entity: { slaTarget: 90 } });
    expect(other.json).not.toHaveProperty('targetFrom');
  });

  it('a dry run answers the plan and writes nothing', async () => {
    file.write(FILE.replace('slaTarget: 99.5', 'slaTarget: 99.9').replace('windowDays: 30', 'windowDays: 90'));
    const before = await tableCounts(schema);
    const r = await callerAs(da, TOKENS.root).reload({ dryRun: true });
    expect(r).toMatchObject({ dryRun: true, applied: false });
    expect(r.plan.targets.update).toEqual([
      expect.objectContaining({ before: expect.objectContaining({ slaTarget: 99.5 }) }),
    ]);
    expect(r.plan.tenants.update.map((u) => u.after.windowDays)).toEqual([90]);
    expect(r.plan.windows).toEqual({ create: [], update: [], delete: [] });
    expect(await tableCounts(schema)).toEqual(before);
  });

  it('a file with an error is a 400 naming file:line: path, and nothing is written', async () => {
    file.write(FILE.replace('slaTarget: 99.5', 'slaTarget: 150'));
    const before = await tableCounts(schema);
    const err = await callerAs(da, TOKENS.root)
      .reload({ dryRun: false })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'BAD_REQUEST' });
    expect((err as Error).message).toMatch(/^alerts\.yaml:17: targets\.0\.slaTarget: /);
    expect(await tableCounts(schema)).toEqual(before);
  });

  it('only an admin of all tenants may reload or export (403 otherwise)', async () => {
    for (const token of [TOKENS.finance, TOKENS.ingest]) {
      await expect(callerAs(da, token).reload({ dryRun: true })).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(callerAs(da, token).export()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
  });

  it('two pods reloading at once apply once (one apply in the audit log); removed objects are deleted', async () => {
    file.write(FILE.replace(/windows:[\s\S]*?targets:/, 'targets:').replace('slaTarget: 99.5', 'slaTarget: 99.9'));
    const before = await tableCounts(schema);
    const results = await Promise.all([
      callerAs(da, TOKENS.root).reload({ dryRun: false }),
      callerAs(db, TOKENS.root).reload({ dryRun: false }),
    ]);
    expect(results.map((r) => r.applied).sort()).toEqual([false, true]);
    const after = await tableCounts(schema);
    expect(after.applies).toBe(before.applies + 1);
    expect(after.windows).toBe(before.windows - 1);
    const r = await post(a.url, '/api/cache/incremental-update', { ...UPDATE, slaTarget: 90 }, bearer(TOKENS.ingest));
    expect(r.json).toMatchObject({ targetFrom: 'file', entity: { slaTarget: 99.9 } });
  });

  it('export → reload of the exported file plans nothing', async () => {
    const { yaml } = await callerAs(da, TOKENS.root).export();
    expect(yaml).toContain('slaTarget: 99.9');
    file.write(yaml);
    const r = await callerAs(db, TOKENS.root).reload({ dryRun: true });
    for (const kind of Object.values(r.plan)) expect(kind).toEqual({ create: [], update: [], delete: [] });
  });
});
