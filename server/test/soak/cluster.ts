import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort, startRedisServer, type TestRedisServer } from '../../../test/support/redis-server.js';
import { type StallProxy, startStallProxy } from '../../../test/support/stall-proxy.js';
import { startTcpProxy, type TcpProxy } from '../../../test/support/tcp-proxy.js';
import { dropSchema, PG_URL, type PodProcess, spawnPod } from '../support/app.js';
import { uniquePrefix } from '../support/ids.js';
import { type MemoryReading, rssOf, settledMemory } from './memory.js';

const SERVER_DIR = fileURLToPath(new URL('../..', import.meta.url));
const PG_PORT = Number(new URL(PG_URL).port || 5432);

export type Pod = {
  name: string;
  port: number;
  url: string;
  proc: PodProcess | null;
  /** Process starts of this pod (1 + restarts). */
  starts: number;
  /** Set by the harness before it kills or stops the process on purpose. */
  expectingExit: boolean;
  /** Exits the harness did not cause: a crash. */
  crashes: string[];
  /** Memory of the current process once warm (WARM_MS after its start, after a forced GC). */
  warm: MemoryReading | null;
  /** Why the warm reading failed, if it did (the RSS check then has no baseline for this process). */
  warmError: string | null;
  /** Output of this pod's earlier processes (the view-check log lines of every process are counted). */
  pastOutput: string[];
  /** Starts that failed (the process exited before it was ready), each restarted like an orchestrator would. */
  failedStarts: string[];
};

/** The pod's own start-up failure line (its JSON `msg`), from the output a failed start carries. */
function startFailure(output: string): string {
  for (const line of output.split('\n').reverse()) {
    try {
      const msg = (JSON.parse(line) as { msg?: unknown }).msg;
      if (typeof msg === 'string' && msg.startsWith('start-up failed')) return msg;
    } catch {}
  }
  return 'exited before it was ready';
}

/** When a pod process counts as warm for the RSS check: started, loaded and under load for a while. */
const WARM_MS = 10_000;

/**
 * Three pod processes (the production bundle) on one PostgreSQL schema reached through two
 * proxies the soak controls — `refuse` cuts and refuses connections, `blackhole` stops bytes
 * without closing anything — and one redis-server the soak owns.
 */
export class SoakCluster {
  readonly schema = `soak_${Date.now().toString(36)}_${process.pid}`;
  readonly prefix = uniquePrefix('soak');
  readonly pods: Pod[] = [];
  redis!: TestRedisServer;
  private refuseProxy!: TcpProxy;
  private blackholeProxy!: StallProxy;

  constructor(private readonly env: Record<string, string>) {}

  /** Builds the bundle, starts Redis, the proxies and `count` pods; resolves when all are ready. */
  async start(count: number): Promise<void> {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: SERVER_DIR, stdio: 'ignore' });
    this.redis = await startRedisServer();
    this.blackholeProxy = await startStallProxy(PG_PORT);
    this.refuseProxy = await startTcpProxy(this.blackholeProxy.port);
    for (let i = 0; i < count; i++) {
      const port = await freePort();
      this.pods.push({
        name: `soak-${i + 1}`,
        port,
        url: `http://127.0.0.1:${port}`,
        proc: null,
        starts: 0,
        expectingExit: false,
        crashes: [],
        warm: null,
        warmError: null,
        pastOutput: [],
        failedStarts: [],
      });
    }
    // The first pod migrates the schema; the others start once it exists.
    const [first, ...rest] = this.pods as [Pod, ...Pod[]];
    await this.startPod(first);
    await Promise.all(rest.map((p) => this.startPod(p)));
  }

  get databaseUrl(): string {
    const url = new URL(PG_URL);
    url.port = String(this.refuseProxy.port);
    return url.toString();
  }

  /**
   * Restarts a pod the way Kubernetes would: a process that exits before it is ready (today:
   * PostgreSQL unreachable at start) is started again with backoff until one is ready. Each
   * failed start is recorded and reported.
   */
  async restartPod(pod: Pod, deadlineMs = 120_000): Promise<void> {
    const until = Date.now() + deadlineMs;
    for (let delay = 500; ; delay = Math.min(delay * 2, 4_000)) {
      try {
        return await this.startPod(pod);
      } catch (err) {
        pod.failedStarts.push(startFailure((err as Error).message));
        if (Date.now() > until) throw err;
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  /** Starts (or restarts) a pod's process on its fixed port, so clients reconnect to the same address. */
  async startPod(pod: Pod): Promise<void> {
    const proc = await spawnPod(
      {
        ...this.env,
        PORT: String(pod.port),
        POD_ID: pod.name,
        DATABASE_URL: this.databaseUrl,
        DATABASE_SCHEMA: this.schema,
        REDIS_URL: this.redis.url,
        REDIS_KEY_PREFIX: this.prefix,
        LOG_LEVEL: 'warn',
      },
      90_000,
      // An inspector on a port of its own choosing (printed on stderr): the soak forces a GC
      // through it before reading RSS (see memory.ts).
      { bundle: true, nodeArgs: ['--inspect=127.0.0.1:0'] },
    );
    pod.proc = proc;
    pod.starts++;
    pod.expectingExit = false;
    pod.warm = null;
    pod.warmError = null;
    setTimeout(() => {
      if (pod.proc !== proc) return;
      void this.memory(pod).then(
        (m) => {
          if (pod.proc === proc) pod.warm = m;
        },
        (err) => {
          if (pod.proc === proc) pod.warmError = (err as Error).message;
        },
      );
    }, WARM_MS).unref();
    void proc.exited.then((code) => {
      pod.pastOutput.push(proc.stdout());
      if (pod.proc === proc && !pod.expectingExit)
        pod.crashes.push(`exited with ${code ?? proc.child.signalCode}:\n${proc.output().slice(-4_000)}`);
    });
  }

  /** Kills a pod (SIGKILL) or stops it (SIGTERM, waiting for its exit). */
  async stopPod(pod: Pod, signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
    const proc = pod.proc;
    if (!proc) return;
    pod.expectingExit = true;
    proc.kill(signal);
    await proc.exited;
    pod.proc = null;
  }

  /** Resident set size of a pod's process in bytes (Linux /proc), or null when it is not running. */
  rss(pod: Pod): number | null {
    const pid = pod.proc?.child.pid;
    return pid ? rssOf(pid) : null;
  }

  /** A pod process's memory after a forced full GC (see memory.ts); rejects when it is not running. */
  memory(pod: Pod): Promise<MemoryReading> {
    const proc = pod.proc;
    if (!proc?.child.pid) return Promise.reject(new Error(`${pod.name} is not running`));
    return settledMemory(proc.child.pid, proc.output());
  }

  refusePostgres(): void {
    this.refuseProxy.pause();
  }

  blackholePostgres(): void {
    this.blackholeProxy.stall();
  }

  healPostgres(): void {
    this.blackholeProxy.heal();
    this.refuseProxy.resume();
  }

  async close(): Promise<void> {
    await Promise.all(this.pods.map((p) => this.stopPod(p, 'SIGKILL').catch(() => undefined)));
    this.healPostgres();
    await this.refuseProxy?.close();
    await this.blackholeProxy?.close();
    await this.redis?.close();
    await dropSchema(this.schema).catch(() => undefined);
  }
}
