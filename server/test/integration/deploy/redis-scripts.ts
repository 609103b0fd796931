import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../../../test/support/redis-server.js';
import { repoPath } from './manifests.js';

/**
 * Runs the shell scripts the Sentinel and Cluster deployments start their pods with
 * (k8s/overlays/*), on this machine, with real redis-server processes: the same files the
 * containers run, with addresses on localhost instead of pod names.
 */

export const PASSWORD = 'deploy-scripts-test-password';

/** Every member listens on loopback only (`-::1`: IPv6 loopback when there is one). */
export const LOOPBACK_ARGS = ['--bind', '127.0.0.1', '-::1'];

const running = new Set<ChildProcess>();
const killAll = () => {
  for (const child of running) child.kill('SIGKILL');
};
process.once('exit', killAll);

export type ScriptProcess = {
  /** Kills the process (SIGKILL) and waits for it to exit. */
  kill(): Promise<void>;
  /** What the script and the server printed so far (for failure messages). */
  output(): string;
};

/**
 * Runs `sh <dir>/<script> ...args` in `cwd` (also its RUN_DIR) with `env`; the script execs
 * redis-server, so the child is the server itself.
 */
export function runScript(
  dir: string,
  script: string,
  env: Record<string, string>,
  cwd: string,
  args: string[] = [],
): ScriptProcess {
  const child = spawn('sh', [repoPath(`${dir}/${script}`), ...args], {
    cwd,
    env: { ...process.env, REDIS_PASSWORD: PASSWORD, RUN_DIR: cwd, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  return {
    output: () => out,
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Runs a script to its end; resolves to its exit code and output. */
export async function runToEnd(
  dir: string,
  script: string,
  env: Record<string, string>,
  cwd: string,
): Promise<{ code: number | null; output: string }> {
  const child = spawn('sh', [repoPath(`${dir}/${script}`)], {
    cwd,
    env: { ...process.env, REDIS_PASSWORD: PASSWORD, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  running.delete(child);
  return { code, output };
}

/** A working directory per member; `remove()` deletes them all. */
export function tempDirs() {
  const dirs: string[] = [];
  return {
    make: () => {
      const d = mkdtempSync(join(tmpdir(), 'redis-deploy-'));
      dirs.push(d);
      return d;
    },
    remove: () => {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}

/** A free port whose cluster bus port (+10000) is free too. */
export async function freeClusterPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + 10_000 <= 65_535 && (await canListen(port + 10_000))) return port;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A client of one member (no retries: a test polls instead). */
export function client(port: number): Redis {
  return new Redis({ host: '127.0.0.1', port, password: PASSWORD, maxRetriesPerRequest: 0, lazyConnect: true });
}

/** One command on a fresh connection; an error (down, loading) resolves to null. */
export async function ask(port: number, ...command: [string, ...(string | number)[]]): Promise<unknown> {
  const c = client(port);
  c.on('error', () => {});
  try {
    await c.connect();
    return await c.call(...command);
  } catch {
    return null;
  } finally {
    c.disconnect();
  }
}

/** `INFO <section>` or `CLUSTER INFO` as a map of its `key:value` lines. */
export const infoFields = (text: unknown): Map<string, string> =>
  new Map(
    String(text ?? '')
      .split(/\r?\n/)
      .filter((l) => l.includes(':'))
      .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]),
  );

/** Polls `check` until it returns a truthy value; throws with `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | null | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
