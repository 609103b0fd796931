import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type App, bootstrap } from '../../../src/bootstrap.js';
import { loadConfig } from '../../../src/platform/config.js';
import { eventually, getJson } from '../../support/app.js';
import { logSink } from '../../support/log-sink.js';

describe('the demo shows a firing alert out of the box (embedded database, one process)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sla-alert-demo-'));
  let app: App | undefined;
  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the demo rule fires and the demo receiver logs one line per change', async () => {
    const sink = logSink();
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      DEMO: 'on',
      DEMO_POLLER_INTERVAL_MS: '0',
      ALERT_EVALUATION_INTERVAL_SECONDS: '1',
      ALERT_GROUP_INTERVAL_MS: '0',
    });
    app = await bootstrap(config, { logDestination: sink.stream });
    const received = () =>
      sink
        .text()
        .split('\n')
        .filter((l) => l.includes('demo alert received'))
        .map((l) => JSON.parse(l) as { msg: string; fingerprint: string });
    await eventually(() => received().length > 0, 90_000, 'a demo alert on the console');
    const first = received()[0];
    expect(first?.msg).toMatch(/^demo alert received: FIRING \[ticket\] .+: .+: Failed for /);
    // One line per change: no fingerprint and state reported twice.
    const lines = received().map((r) => `${r.fingerprint}|${r.msg.split(' ')[3]}`);
    expect(new Set(lines).size).toBe(lines.length);
    // The demo's channel and rule are rows of the tables, listed like any other.
    const listed = async (a: App) => ({
      rules: ((await getJson(a.url, '/api/alerts/rules')).json.items as { name: string }[]).map((r) => r.name),
      channels: (await getJson(a.url, '/api/alerts/channels')).json.items as { name: string; url: string }[],
    });
    const before = await listed(app);
    expect(before.rules.length).toBeGreaterThan(0);
    expect(new Set(before.rules)).toEqual(new Set(['Failed for 5 minutes']));
    expect(before.channels.map((c) => c.name)).toEqual(before.rules.map(() => 'demo-console'));
    const port = () => {
      const lines = sink
        .text()
        .split('\n')
        .filter((l) => l.includes('demo alert receiver listening'));
      return (JSON.parse(lines.at(-1) as string) as { port: number }).port;
    };
    expect(before.channels[0]?.url).toBe(`http://127.0.0.1:${port()}/demo-alerts`);
    await app.close();
    // Started again on the same data: the receiver listens on another port, the channel follows it (no duplicates).
    app = await bootstrap(config, { logDestination: sink.stream });
    const after = await listed(app);
    expect(after.rules).toEqual(before.rules);
    expect(after.channels.map((c) => c.url)).toEqual(
      after.channels.map(() => `http://127.0.0.1:${port()}/demo-alerts`),
    );
    await app.close();
    app = undefined;
  }, 180_000);
});
