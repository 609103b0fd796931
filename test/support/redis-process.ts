import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { spawnServer } from './children.js';
import { redisCommand } from './resp.js';

/** running: answers; frozen: SIGSTOPped (connections stay open, nothing answers); stopped: killed. */
export type ProcessState = 'running' | 'frozen' | 'stopped';

/** One redis-server process (data node or sentinel) that a topology test can fault. */
export type RedisProcess = {
  port: number;
  /** What the harness did to it last; a node the harness did not touch is `running`. */
  readonly state: ProcessState;
  /** SIGSTOP: the process keeps its sockets but answers nothing, as a hung host would. */
  freeze(): void;
  /** SIGCONT after freeze(). */
  thaw(): void;
  /** SIGKILL (nothing is saved) and wait for the exit. No-op when already stopped. */
  kill(): Promise<void>;
  /** Kills it if running or frozen, starts it again with the same arguments and waits for PING. */
  restart(): Promise<void>;
};

export type RedisProcessOptions = {
  port: number;
  /** redis-server arguments (a config file first, if any; `--port` is added). */
  args: string[];
  /** AUTH for the readiness PING. */
  password?: string;
  /** Its log file, quoted in the error when it does not come up. */
  logFile: string;
};

/** Starts redis-server with `args` on `port`, killed when the test process ends; resolves once it answers PING. */
export async function startRedisProcess(options: RedisProcessOptions): Promise<RedisProcess> {
  const { port, password, logFile } = options;
  const args = [...options.args, '--port', String(port), '--logfile', logFile];
  let child: ChildProcess | null = null;
  let state: ProcessState = 'stopped';

  const start = async () => {
    const proc = spawnServer(args);
    child = proc;
    state = 'running';
    proc.once('exit', () => {
      if (child === proc) {
        child = null;
        state = 'stopped';
      }
    });
    await waitForPing(port, proc, password, logFile);
  };
  const kill = async () => {
    const proc = child;
    child = null;
    state = 'stopped';
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = once(proc, 'exit');
    proc.kill('SIGKILL');
    await exited;
  };
  const signal = (name: NodeJS.Signals, next: ProcessState) => {
    if (!child) throw new Error(`redis-server on port ${port} is not running`);
    child.kill(name);
    state = next;
  };

  await start();
  return {
    port,
    get state() {
      return state;
    },
    freeze: () => signal('SIGSTOP', 'frozen'),
    thaw: () => signal('SIGCONT', 'running'),
    kill,
    restart: async () => {
      await kill();
      await start();
    },
  };
}

async function waitForPing(
  port: number,
  proc: ChildProcess,
  password: string | undefined,
  logFile: string,
  timeoutMs = 10_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (proc.exitCode !== null) throw new Error(`redis-server on port ${port} exited: ${logTail(logFile)}`);
    const reply = await redisCommand(port, ['PING'], { password, timeoutMs: 500 }).catch(() => null);
    if (reply === 'PONG') return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`redis-server on port ${port} did not answer within ${timeoutMs} ms: ${logTail(logFile)}`);
}

function logTail(logFile: string): string {
  if (!existsSync(logFile)) return '(no log)';
  return readFileSync(logFile, 'utf8').split('\n').slice(-8).join('\n');
}

/** The role the server on `port` reports itself (ROLE); rejects when it does not answer within 1 s. */
export async function roleOf(port: number, password?: string): Promise<'master' | 'replica'> {
  const reply = await redisCommand(port, ['ROLE'], { password, timeoutMs: 1000 });
  return Array.isArray(reply) && reply[0] === 'master' ? 'master' : 'replica';
}
