import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeOnExit } from './children.js';
import { freeNodePorts } from './node-ports.js';
import { pollUntil } from './poll.js';
import { type RedisProcess, roleOf, startRedisProcess } from './redis-process.js';
import { redisCommand } from './resp.js';
import {
  entries,
  type SentinelDataNode,
  sentinelHandle,
  type TestRedisSentinel,
  unhealthy,
} from './sentinel-handle.js';

export type { SentinelDataNode, TestRedisSentinel } from './sentinel-handle.js';

export type RedisSentinelOptions = {
  /** Replicas of the master. Default 2. */
  replicas?: number;
  /** Sentinel processes. Default 3; the quorum is a majority of them. */
  sentinels?: number;
  /** Default 'mymaster'. */
  masterName?: string;
  /** down-after-milliseconds: how long the master may be silent before it counts as down. Default 1000. */
  downAfterMs?: number;
  /** failover-timeout in ms. Default 3000. */
  failoverTimeoutMs?: number;
  /** requirepass + masterauth on the data nodes (sentinels get it as auth-pass). */
  password?: string;
  /** requirepass on the sentinels themselves (they use it with each other too). */
  sentinelPassword?: string;
};

/**
 * Starts a master, `replicas` replicas (`--replicaof`) and `sentinels` sentinels
 * (`redis-server <conf> --sentinel`) on free ports, each in its own temporary directory with
 * no persistence, and resolves once every sentinel sees the master, all its replicas (synced)
 * and every other sentinel. Every process is killed when the test process ends, even on a crash.
 */
export async function startRedisSentinel(options: RedisSentinelOptions = {}): Promise<TestRedisSentinel> {
  const { replicas = 2, sentinels = 3, masterName = 'mymaster', password, sentinelPassword } = options;
  const [masterPort = 0, ...ports] = await freeNodePorts(1 + replicas + sentinels);
  const root = mkdtempSync(join(tmpdir(), 'redis-sentinel-'));
  const forgetRoot = removeOnExit(root);
  const nodes: SentinelDataNode[] = [];
  const watchers: RedisProcess[] = [];
  const close = async () => {
    await Promise.all([...nodes, ...watchers].map((p) => p.kill()));
    rmSync(root, { recursive: true, force: true });
    forgetRoot();
  };
  const start = async (port: number, args: string[], auth: string | undefined) => {
    const dir = join(root, String(port));
    mkdirSync(dir);
    return startRedisProcess({
      port,
      args: args.map((a) => a.replace('$DIR', dir)),
      password: auth,
      logFile: join(dir, 'redis.log'),
    });
  };
  try {
    const dataArgs = ['--bind', '127.0.0.1', '--dir', '$DIR', '--save', '', '--appendonly', 'no'];
    if (password !== undefined) dataArgs.push('--requirepass', password, '--masterauth', password);
    const dataPorts = [masterPort, ...ports.slice(0, replicas)];
    for (const port of dataPorts) {
      const args = port === masterPort ? dataArgs : [...dataArgs, '--replicaof', '127.0.0.1', String(masterPort)];
      const proc = await start(port, args, password);
      nodes.push(Object.assign(proc, { role: () => roleOf(port, password) }));
    }
    for (const port of ports.slice(replicas)) {
      const dir = join(root, String(port));
      mkdirSync(dir);
      const conf = join(dir, 'sentinel.conf');
      writeFileSync(conf, sentinelConfig({ ...options, masterName, sentinels, masterPort, dir }));
      watchers.push(
        await startRedisProcess({
          port,
          args: [conf, '--sentinel'],
          password: sentinelPassword,
          logFile: join(dir, 'redis.log'),
        }),
      );
    }
    const handle = sentinelHandle({ nodes, watchers, masterName, password, sentinelPassword, close });
    await waitForSentinelsReady(watchers, masterName, masterPort, replicas, sentinelPassword);
    return handle;
  } catch (error) {
    await close();
    throw error;
  }
}

function sentinelConfig(
  o: RedisSentinelOptions & { masterName: string; sentinels: number; masterPort: number; dir: string },
): string {
  const name = o.masterName;
  const lines = [
    'bind 127.0.0.1',
    `dir ${o.dir}`,
    'sentinel resolve-hostnames no',
    'sentinel announce-hostnames no',
    `sentinel monitor ${name} 127.0.0.1 ${o.masterPort} ${Math.floor(o.sentinels / 2) + 1}`,
    `sentinel down-after-milliseconds ${name} ${o.downAfterMs ?? 1000}`,
    `sentinel failover-timeout ${name} ${o.failoverTimeoutMs ?? 3000}`,
  ];
  if (o.password !== undefined) lines.push(`sentinel auth-pass ${name} ${o.password}`);
  if (o.sentinelPassword !== undefined) lines.push(`requirepass ${o.sentinelPassword}`);
  return `${lines.join('\n')}\n`;
}

function waitForSentinelsReady(
  watchers: RedisProcess[],
  name: string,
  masterPort: number,
  replicas: number,
  auth: string | undefined,
): Promise<void> {
  return pollUntil('sentinels ready', 20_000, async () => {
    for (const s of watchers) {
      const ask = (args: string[]) => redisCommand(s.port, ['SENTINEL', ...args], { password: auth, timeoutMs: 1000 });
      const addr = (await ask(['GET-MASTER-ADDR-BY-NAME', name])) as string[] | null;
      if (Number(addr?.[1]) !== masterPort) throw new Error(`sentinel ${s.port} reports master ${addr}`);
      const synced = entries(await ask(['REPLICAS', name])).filter(
        (r) => !unhealthy(r) && r.get('master-link-status') === 'ok',
      );
      if (synced.length < replicas) throw new Error(`sentinel ${s.port} sees ${synced.length} synced replicas`);
      const peers = entries(await ask(['SENTINELS', name])).filter((p) => !unhealthy(p));
      if (peers.length < watchers.length - 1)
        throw new Error(`sentinel ${s.port} sees ${peers.length} other sentinels`);
    }
    return true;
  }).then(() => undefined);
}
