import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeOnExit } from './children.js';
import { freeNodePorts } from './node-ports.js';
import { pollUntil } from './poll.js';
import { type RedisProcess, roleOf, startRedisProcess } from './redis-process.js';
import { type Reply, redisCommand } from './resp.js';

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

/** A data node (master or replica) of the Sentinel set. */
export type SentinelDataNode = RedisProcess & {
  /** The role the node reports itself (ROLE); rejects when it does not answer within 1 s. */
  role(): Promise<'master' | 'replica'>;
};

export type TestRedisSentinel = {
  /** For ioredis `new Redis({ sentinels, name: masterName, password, sentinelPassword })`. */
  sentinels: { host: string; port: number }[];
  /** The sentinel processes, in the order of `sentinels`. */
  sentinelProcesses: RedisProcess[];
  masterName: string;
  password: string | undefined;
  sentinelPassword: string | undefined;
  /** The data nodes; the first one started as master, the others as its replicas. */
  nodes: SentinelDataNode[];
  /** The data node listening on `port`; throws if none. */
  node(port: number): SentinelDataNode;
  /** The master's port as the first running sentinel that answers reports it (get-master-addr-by-name). */
  master(): Promise<number>;
  /**
   * Resolves to the new master's port once every running sentinel reports a master other than
   * `oldMasterPort` (the same one) and that node says it is master. Rejects after `timeoutMs`
   * (default 10 s).
   */
  waitForPromotion(oldMasterPort: number, timeoutMs?: number): Promise<number>;
  /** Resolves when the data node on `port` reports `role`; rejects after `timeoutMs` (default 20 s). */
  waitForRole(port: number, role: 'master' | 'replica', timeoutMs?: number): Promise<void>;
  /** Kills every process and removes their directories. */
  close(): Promise<void>;
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

/** SENTINEL REPLICAS / SENTINELS entries: flat [field, value, …] arrays as maps. */
function entries(reply: Reply): Map<string, string>[] {
  const list = Array.isArray(reply) ? reply : [];
  return list.map((flat) => {
    const fields = new Map<string, string>();
    const items = Array.isArray(flat) ? flat : [];
    for (let i = 0; i + 1 < items.length; i += 2) fields.set(String(items[i]), String(items[i + 1]));
    return fields;
  });
}

const unhealthy = (entry: Map<string, string>) => /s_down|o_down|disconnected/.test(entry.get('flags') ?? '');

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

type HandleParts = {
  nodes: SentinelDataNode[];
  watchers: RedisProcess[];
  masterName: string;
  password: string | undefined;
  sentinelPassword: string | undefined;
  close: () => Promise<void>;
};

function sentinelHandle({
  nodes,
  watchers,
  masterName,
  password,
  sentinelPassword,
  close,
}: HandleParts): TestRedisSentinel {
  const node = (port: number) => {
    const found = nodes.find((n) => n.port === port);
    if (!found) throw new Error(`no data node on port ${port}`);
    return found;
  };
  const reported = async (s: RedisProcess) => {
    const reply = await redisCommand(s.port, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName], {
      password: sentinelPassword,
      timeoutMs: 1000,
    });
    return Number((reply as string[])[1]);
  };
  const running = () => watchers.filter((s) => s.state === 'running');
  return {
    sentinels: watchers.map((s) => ({ host: '127.0.0.1', port: s.port })),
    sentinelProcesses: watchers,
    masterName,
    password,
    sentinelPassword,
    nodes,
    node,
    master: async () => {
      for (const s of running()) {
        const port = await reported(s).catch(() => null);
        if (port !== null) return port;
      }
      throw new Error('no running sentinel answers');
    },
    waitForPromotion: (oldMasterPort, timeoutMs = 10_000) =>
      pollUntil(`promotion of a replica of ${oldMasterPort}`, timeoutMs, async () => {
        const ports = new Set(await Promise.all(running().map(reported)));
        const [port] = [...ports];
        if (ports.size !== 1 || port === undefined) throw new Error(`sentinels report ${[...ports]}`);
        if (port === oldMasterPort) throw new Error('sentinels still report the old master');
        if ((await node(port).role()) !== 'master') throw new Error(`${port} does not say master yet`);
        return port;
      }),
    waitForRole: (port, role, timeoutMs = 20_000) =>
      pollUntil(`${port} as ${role}`, timeoutMs, async () =>
        (await node(port).role()) === role ? true : undefined,
      ).then(() => undefined),
    close,
  };
}
