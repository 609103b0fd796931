import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getJson, type PodProcess, spawnPod } from '../support/app.js';
import { send } from './pg-fault.js';

/**
 * The embedded database (no DATABASE_URL) belongs to one process. Two pods on one
 * DATA_DIR both answered 2xx with the same change ids, and acknowledged writes were gone
 * after a restart; a second process must refuse to start and say who holds the
 * directory, while a holder that died (SIGKILL leaves its lock file behind) must not
 * block the restart.
 */
describe('two processes on one embedded data directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sla-data-dir-'));
  const env = { DATABASE_URL: '', DATA_DIR: dir, DEMO: 'off' };
  const pods: PodProcess[] = [];

  afterAll(async () => {
    for (const p of pods) {
      p.kill('SIGKILL');
      await p.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a second process naming the holder, and lets a restart take over from a killed one', async () => {
    const first = await spawnPod({ ...env, POD_ID: 'first' });
    pods.push(first);
    const accepted = [];
    for (let i = 0; i < 3; i++) accepted.push(await send(first.url, `kept_${i}`));
    expect(accepted.map((s) => s.status)).toEqual([200, 200, 200]);

    const refused = await spawnPod({ ...env, POD_ID: 'second' }).then(
      (p) => {
        pods.push(p);
        return null;
      },
      (err: Error) => err.message,
    );
    expect(refused, 'the second pod started').not.toBeNull();
    const fatal = String(refused)
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg: string })
      .find((l) => l.level === 60);
    expect(fatal?.msg).toContain(`pod first (pid ${first.child.pid} on ${hostname()}, started `);
    // The first pod is untouched and still the only writer.
    expect((await send(first.url, 'still_first')).status).toBe(200);

    first.kill('SIGKILL');
    await first.exited;
    expect(existsSync(join(dir, 'sla.lock')), 'a killed pod leaves its lock file').toBe(true);
    const restarted = await spawnPod({ ...env, POD_ID: 'restarted' });
    pods.push(restarted);
    const recent = await getJson(restarted.url, '/api/cache/recent-changes?limit=10');
    const names = (recent.json.changes as { entityName: string }[]).map((c) => c.entityName);
    expect(names).toEqual(['still_first', 'kept_2', 'kept_1', 'kept_0']);
    expect(JSON.parse(readFileSync(join(dir, 'sla.lock'), 'utf8'))).toMatchObject({
      pid: restarted.child.pid,
      podId: 'restarted',
    });

    restarted.kill('SIGTERM');
    expect(await restarted.exited).toBe(0);
    expect(existsSync(join(dir, 'sla.lock')), 'a clean exit removes the lock file').toBe(false);
    // Three embedded-database starts (WebAssembly PostgreSQL, each ~5–15 s on a busy 2-core machine).
  }, 150_000);
});
