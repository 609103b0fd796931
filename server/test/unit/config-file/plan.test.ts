import { describe, expect, it } from 'vitest';
import { exportConfig } from '../../../src/config-file/export.js';
import { type CurrentState, emptyState } from '../../../src/config-file/model.js';
import { parseConfigFile } from '../../../src/config-file/parse.js';
import { isEmptyPlan, planChanges } from '../../../src/config-file/plan.js';
import { fillWindowZones } from '../../../src/config-file/service.js';

const FILE = `version: 1
tenants:
  - tenantName: acme
    timeZone: Europe/Berlin
    windowDays: 30
windows:
  - key: saturday-maintenance
    tenantName: acme
    category: maintenance
    reason: weekly patching
    start: 2026-12-05T02:00:00+01:00
    end: 2026-12-05T04:00:00+01:00
    rrule: FREQ=WEEKLY;BYDAY=SA
targets:
  - tenantName: acme
    teamName: payments
    slaTarget: 99.5
  - tenantName: acme
    slaTarget: 98
`;

const read = (text: string) => {
  const d = parseConfigFile(text, 'alerts.yaml', {});
  fillWindowZones(d, () => 'UTC');
  return d;
};

/** The state a store would report after applying `text`: every object managed, windows with ids. */
function stateAfter(text: string): CurrentState {
  const d = read(text);
  const s = emptyState() as CurrentState;
  for (const kind of Object.keys(s) as (keyof CurrentState)[])
    s[kind] = d[kind].map((o, i) => ({
      key: o.key,
      spec: o.spec,
      managed: true,
      id: kind === 'windows' ? String(i + 1) : null,
    }));
  return s;
}

const keys = (list: { key: string }[]) => list.map((o) => o.key);

describe('plan', () => {
  it('creates everything on an empty state, ordered by key', () => {
    const p = planChanges(read(FILE), emptyState() as CurrentState);
    expect(keys(p.tenants.create)).toEqual(['acme']);
    expect(keys(p.windows.create)).toEqual(['saturday-maintenance']);
    expect(keys(p.targets.create)).toEqual(['acme/*/*/*/*', 'acme/payments/*/*/*']);
    expect(p.targets.update).toEqual([]);
    expect(p.targets.delete).toEqual([]);
  });

  it('the same file again plans nothing; a window without timeZone takes its tenant zone from the file', () => {
    expect(read(FILE).windows[0]?.spec.timeZone).toBe('Europe/Berlin');
    expect(isEmptyPlan(planChanges(read(FILE), stateAfter(FILE)))).toBe(true);
  });

  it('a changed value is an update with before and after; a removed managed object is a delete', () => {
    const changed = FILE.replace('slaTarget: 99.5', 'slaTarget: 99.9').replace(/windows:[\s\S]*?targets:/, 'targets:');
    const p = planChanges(read(changed), stateAfter(FILE));
    expect(p.targets.update.map((u) => [u.desired.key, u.current.spec.slaTarget, u.desired.spec.slaTarget])).toEqual([
      ['acme/payments/*/*/*', 99.5, 99.9],
    ]);
    expect(keys(p.windows.delete)).toEqual(['saturday-maintenance']);
    expect(p.tenants.update).toEqual([]);
  });

  it('objects created through the API are never deleted; one the file names is adopted by an update', () => {
    const current = stateAfter(FILE);
    current.windows.push({ key: 'window-7', spec: { tenantName: 'acme' }, managed: false, id: '7' });
    current.tenants.push({
      key: 'globex',
      spec: { tenantName: 'globex', timeZone: 'UTC', windowDays: null, noDataPolicy: null },
      managed: false,
      id: null,
    });
    const file = `${FILE.replace('tenants:\n', 'tenants:\n  - tenantName: globex\n    timeZone: Asia/Tokyo\n')}`;
    const p = planChanges(read(file), current);
    expect(p.windows.delete).toEqual([]);
    expect(keys(p.tenants.update.map((u) => u.desired))).toEqual(['globex']);
    expect(planChanges(read(FILE), current).tenants.delete).toEqual([]);
  });

  it('is deterministic: the order of the file does not change the plan', () => {
    const swapped = FILE.replace(
      '  - tenantName: acme\n    teamName: payments\n    slaTarget: 99.5\n  - tenantName: acme\n    slaTarget: 98\n',
      '  - tenantName: acme\n    slaTarget: 98\n  - tenantName: acme\n    teamName: payments\n    slaTarget: 99.5\n',
    );
    expect(swapped).not.toBe(FILE);
    expect(JSON.stringify(planChanges(read(swapped), emptyState() as CurrentState))).toBe(
      JSON.stringify(planChanges(read(FILE), emptyState() as CurrentState)),
    );
  });
});

describe('export', () => {
  it('export → plan against the same state is empty, API-made objects included', () => {
    const current = stateAfter(FILE);
    current.windows.push({
      key: 'window-9',
      spec: {
        tenantName: 'acme',
        teamName: null,
        entityType: null,
        entityId: null,
        category: 'maintenance',
        reason: '',
        start: '2026-12-24T00:00:00.000Z',
        end: '2026-12-26T00:00:00.000Z',
        rrule: null,
        timeZone: 'UTC',
        until: null,
      },
      managed: false,
      id: '9',
    });
    const text = exportConfig(current);
    expect(text).toMatch(/^version: 1\n/);
    expect(isEmptyPlan(planChanges(read(text), current))).toBe(true);
  });

  it(`writes channel secrets as \${NAME} placeholders, never the value, and reads back to no change`, () => {
    const file = `version: 1
channels:
  - name: ops
    tenantName: acme
    kind: webhook
    url: https://hooks.example.com/sla
    secret: \${OPS_SECRET}
`;
    const env = { OPS_SECRET: 'hunter2-secret' };
    const desired = parseConfigFile(file, 'alerts.yaml', env);
    const current = emptyState() as CurrentState;
    current.channels = desired.channels.map((o) => ({ key: o.key, spec: o.spec, managed: true, id: null }));
    const text = exportConfig(current);
    expect(text).toContain(`secret: \${OPS_SECRET}`);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('secretDigest');
    expect(isEmptyPlan(planChanges(parseConfigFile(text, 'export.yaml', env), current))).toBe(true);
  });

  it('an API-made channel with a secret gets a placeholder naming a variable', () => {
    const current = emptyState() as CurrentState;
    current.channels = [
      {
        key: 'acme/ops',
        spec: { name: 'ops', tenantName: 'acme', kind: 'webhook', url: 'https://h.example.com/', secret: '(set)' },
        managed: false,
        id: null,
      },
    ];
    expect(exportConfig(current)).toContain(`secret: \${CHANNEL_ACME_OPS_SECRET}`);
  });

  it('a Slack incoming-webhook URL is never exported in clear, even masked: a placeholder instead', () => {
    const current = emptyState() as CurrentState;
    current.channels = [
      {
        key: 'acme/chat',
        spec: { name: 'chat', tenantName: 'acme', kind: 'slack', url: 'https://hooks.slack.com/services/…' },
        managed: false,
        id: null,
      },
    ];
    const text = exportConfig(current);
    expect(text).toContain(`url: \${CHANNEL_ACME_CHAT_URL}`);
    expect(text).not.toContain('hooks.slack.com');
  });

  it('objects an omission names are left out, with its note as a comment at the top', () => {
    const current = stateAfter(FILE);
    current.channels = [
      {
        key: 'acme/demo',
        spec: { name: 'demo', tenantName: 'acme', kind: 'webhook', url: 'http://127.0.0.1:1/' },
        managed: false,
        id: null,
      },
    ];
    const text = exportConfig(current, {
      leaveOut: (kind, o) => kind === 'channels' && o.key === 'acme/demo',
      note: 'Left out: the demo.',
    });
    expect(text).toMatch(/^# Left out: the demo\.\n/);
    expect(text).not.toContain('127.0.0.1');
    expect(text).toContain('channels: []');
  });
});
