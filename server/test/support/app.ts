import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXAMPLE_UPDATE } from '@sla/shared/example';
import { type App, bootstrap } from '../../src/bootstrap.js';
import { loadConfig } from '../../src/platform/config.js';
import { uniquePrefix } from './ids.js';
import { dropSchema as dropSchemaAt } from './pg-schema.js';

/** The shared PostgreSQL server; each test works in a schema of its own. */
export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

export const uniqueSchema = (name: string) => `t_${name.replace(/\W/g, '_')}_${randomBytes(4).toString('hex')}`;

/** Drops a test's schema under the migration lock (see test/support/pg-schema.ts). */
export const dropSchema = (schema: string, url = PG_URL): Promise<void> => dropSchemaAt(url, schema);

export type TestEnv = Record<string, string>;

/** Boots a pod in this process against real PostgreSQL (own schema) and, if given, Redis. */
export async function startPod(env: TestEnv & { schema: string }): Promise<App> {
  const { schema, ...rest } = env;
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    DEMO: 'off',
    NODE_ENV: 'test',
    DATABASE_URL: PG_URL,
    REDIS_KEY_PREFIX: uniquePrefix('pod'),
    ...rest,
  });
  return bootstrap(config, { schema });
}

/** Boots a pod on the embedded database in a temporary directory. */
export async function startEmbeddedPod(env: TestEnv = {}): Promise<App & { dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sla-pod-'));
  const app = await bootstrap(
    loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DATA_DIR: dataDir, NODE_ENV: 'test', ...env }),
  );
  return {
    ...app,
    dataDir,
    close: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type PodProcess = {
  url: string;
  child: ChildProcess;
  /** stdout and stderr interleaved. */
  output: () => string;
  /** stdout alone (where the JSON log goes). */
  stdout: () => string;
  kill(signal?: NodeJS.Signals): void;
  exited: Promise<number | null>;
};

const SERVER_DIR = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const BUNDLE = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/**
 * Runs a pod as a separate OS process (for SIGKILL/SIGTERM tests and benchmarks) and waits
 * until it is ready. The child is Node itself (no wrapper process), so its pid is the pod's.
 * `bundle`: the production bundle, started as the image starts it; otherwise the sources
 * through tsx. `nodeArgs`: extra Node flags (e.g. --cpu-prof, which NODE_OPTIONS refuses).
 * `until: 'live'` returns once the pod answers its liveness probe (for pods expected not to
 * become ready).
 */
export async function spawnPod(
  env: TestEnv,
  timeoutMs = 60_000,
  opts: { bundle?: boolean; nodeArgs?: string[]; until?: 'ready' | 'live' } = {},
): Promise<PodProcess> {
  const { freePort } = await import('../../../test/support/redis-server.js');
  // A fixed PORT in `env` restarts a pod at the same address (clients reconnect to it).
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const entry = opts.bundle ? ['--max-semi-space-size=4', '--enable-source-maps', BUNDLE] : ['--import', 'tsx', MAIN];
  const [cmd, args] = [process.execPath, [...(opts.nodeArgs ?? []), ...entry]];
  const child = spawn(cmd, args, {
    cwd: SERVER_DIR,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      DEMO: 'off',
      NODE_ENV: 'test',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let stdout = '';
  child.stdout?.on('data', (d) => {
    out += d;
    stdout += d;
  });
  child.stderr?.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`pod exited early:\n${out}`);
    const ok = await fetch(`${url}/api/health/${opts.until ?? 'ready'}`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`pod not ready in time:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, child, output: () => out, stdout: () => stdout, kill: (s = 'SIGKILL') => child.kill(s), exited };
}

/** The original design's example update, the one the API documents. */
export const UPDATE = EXAMPLE_UPDATE;

export async function post(url: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, headers: res.headers, json: json as Record<string, unknown>, text };
}

export async function getJson(url: string, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}${path}`, { headers });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** Polls until `fn` returns true (or throws after `ms`). */
export async function eventually(fn: () => Promise<boolean> | boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
