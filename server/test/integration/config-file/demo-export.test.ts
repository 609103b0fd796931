import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type App, bootstrap } from '../../../src/bootstrap.js';
import { loadConfig } from '../../../src/platform/config.js';
import { getJson } from '../../support/app.js';
import { logSink } from '../../support/log-sink.js';

describe('the demo (embedded database): its export applies at the next start and changes nothing', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sla-demo-export-'));
  const filePath = join(dataDir, 'alerts.yaml');
  let app: App | undefined;
  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("leaves the demo's channels and rules out (saying so), so the export is not refused at start", async () => {
    const sink = logSink();
    const env = {
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      DEMO: 'on',
      DEMO_POLLER_INTERVAL_MS: '0',
    };
    app = await bootstrap(loadConfig(env), { logDestination: sink.stream });
    const exported = await getJson(app.url, '/api/config/export');
    expect(exported.status, JSON.stringify(exported.json)).toBe(200);
    const yaml = String(exported.json.yaml);
    expect(yaml).toMatch(/^# Left out: the demo's channels "demo-console"/);
    expect(yaml).not.toContain('name: demo-console');
    expect(yaml).not.toContain('channels: [demo-console]');
    expect(yaml).not.toContain('127.0.0.1');
    writeFileSync(filePath, yaml);
    await app.close();

    sink.clear();
    app = await bootstrap(loadConfig({ ...env, CONFIG_FILE: filePath }), { logDestination: sink.stream });
    const logged = sink
      .text()
      .split('\n')
      .filter((l) => l.includes('rules file'));
    expect(
      logged.some((l) => l.includes('rules file not applied')),
      logged.join('\n'),
    ).toBe(false);
    const applied = logged.map((l) => JSON.parse(l) as { msg: string; applied?: boolean });
    expect(applied).toEqual([expect.objectContaining({ msg: 'rules file applied', applied: false })]);
    await app.close();
    app = undefined;
  }, 180_000);
});
