import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../../../test/support/redis-server.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** The first command block under "## Run it" in the README. */
function readmeRunCommand(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.split('## Run it')[1] ?? '';
  const block = /```bash\n([\s\S]*?)```/.exec(section)?.[1]?.trim();
  if (!block) throw new Error('README has no run command');
  return block;
}

describe("the README's run command", () => {
  it('with no configuration serves the dashboard, health and demo data on the embedded default', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'sla-readme-'));
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
    for (const k of ['DATABASE_URL', 'REDIS_URL', 'NODE_ENV', 'DEMO', 'INGEST_TOKENS', 'READ_TOKEN']) delete env[k];
    const child = spawn('bash', ['-c', readmeRunCommand()], {
      cwd: ROOT,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const url = `http://127.0.0.1:${port}`;
    try {
      const until = Date.now() + 240_000;
      while (
        !(await fetch(`${url}/api/health`).then(
          (r) => r.ok,
          () => false,
        ))
      ) {
        if (child.exitCode !== null || Date.now() > until) throw new Error(`not serving:\n${out.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 500));
      }
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(await page.text()).toContain('<div id="root">');
      const deepLink = await fetch(`${url}/entities?tenant=Finance`);
      expect(deepLink.headers.get('content-type')).toContain('text/html');
      const status = (await (await fetch(`${url}/api/cache/status`)).json()) as { entityCount: number; mode: string };
      expect(status).toMatchObject({ mode: 'memory' });
      expect(status.entityCount).toBeGreaterThanOrEqual(500);
      const recent = (await (
        await fetch(`${url}/api/cache/recent-changes?tenantName=Data%20Engineering&limit=5`)
      ).json()) as { changes: unknown[] };
      expect(recent.changes).toHaveLength(5);
    } finally {
      if (child.pid) process.kill(-child.pid, 'SIGTERM');
      await new Promise((r) => setTimeout(r, 1_000));
      if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 300_000);
});
