import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { spawnServer } from './children.js';
import { listenOnLoopback } from './listen.js';

export type RedisServerOptions = {
  /** requirepass: clients must AUTH (the URL carries it). */
  password?: string;
  /**
   * Serve TLS only (`--port 0`): clients connect with `rediss://` and must trust `caFile`.
   * Client certificates are not asked for (`--tls-auth-clients no`).
   */
  tls?: { certFile: string; keyFile: string; caFile: string };
};

export type TestRedisServer = {
  port: number;
  /** redis://[:password@]127.0.0.1:port, or rediss://… with the tls option */
  url: string;
  /** Kills the server (SIGKILL: nothing is saved); start() brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections stay open but nothing answers. */
  freeze(): void;
  thaw(): void;
  /** Stops for good and removes its working directory. */
  close(): Promise<void>;
};

/** A TCP port of 127.0.0.1 that was free a moment ago (the kernel's pick, in its ephemeral range). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  const port = await listenOnLoopback(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts a throwaway redis-server (no persistence) on a free port and waits for it to answer. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<TestRedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'redis-test-'));
  const args = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  if (options.tls) {
    const t = options.tls;
    args.push('--port', '0', '--tls-port', String(port), '--tls-cert-file', t.certFile, '--tls-key-file', t.keyFile);
    args.push('--tls-ca-cert-file', t.caFile, '--tls-auth-clients', 'no');
  } else args.push('--port', String(port));
  if (options.password) args.push('--requirepass', options.password);
  const ca = options.tls ? readFileSync(options.tls.caFile) : null;
  let child: ChildProcess | null = null;

  const start = async () => {
    if (child) return;
    const proc = spawnServer(args);
    child = proc;
    proc.once('exit', () => {
      if (child === proc) child = null;
    });
    await waitForPing(port, proc, ca);
  };

  const stop = async () => {
    const proc = child;
    if (!proc) return;
    child = null;
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = once(proc, 'exit');
      proc.kill('SIGCONT');
      proc.kill('SIGKILL');
      await exited;
    }
  };

  const signal = (name: NodeJS.Signals) => {
    if (!child) throw new Error('redis-server is not running');
    child.kill(name);
  };

  await start();
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : '';
  return {
    port,
    url: `${options.tls ? 'rediss' : 'redis'}://${auth}127.0.0.1:${port}`,
    start,
    stop,
    freeze: () => signal('SIGSTOP'),
    thaw: () => signal('SIGCONT'),
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls with a raw PING (over TLS when given the CA); `-NOAUTH` also means the server is up. */
async function waitForPing(port: number, proc: ChildProcess, ca: Buffer | null, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (proc.exitCode !== null) throw new Error(`redis-server exited with code ${proc.exitCode}`);
    if (await pingOnce(port, ca)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`redis-server on port ${port} did not answer within ${timeoutMs} ms`);
}

function pingOnce(port: number, ca: Buffer | null): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = ca ? tls.connect({ port, host: '127.0.0.1', ca }) : net.connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once(ca ? 'secureConnect' : 'connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      const reply = data.toString();
      done(reply.startsWith('+PONG') || reply.startsWith('-NOAUTH'));
    });
  });
}
