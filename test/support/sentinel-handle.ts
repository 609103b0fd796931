import { pollUntil } from './poll.js';
import type { RedisProcess } from './redis-process.js';
import { type Reply, redisCommand } from './resp.js';

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

/** SENTINEL REPLICAS / SENTINELS entries: flat [field, value, …] arrays as maps. */
export function entries(reply: Reply): Map<string, string>[] {
  const list = Array.isArray(reply) ? reply : [];
  return list.map((flat) => {
    const fields = new Map<string, string>();
    const items = Array.isArray(flat) ? flat : [];
    for (let i = 0; i + 1 < items.length; i += 2) fields.set(String(items[i]), String(items[i + 1]));
    return fields;
  });
}

/** An instance a sentinel sees as down or unreachable. */
export const unhealthy = (entry: Map<string, string>) => /s_down|o_down|disconnected/.test(entry.get('flags') ?? '');

export type HandleParts = {
  nodes: SentinelDataNode[];
  watchers: RedisProcess[];
  masterName: string;
  password: string | undefined;
  sentinelPassword: string | undefined;
  close: () => Promise<void>;
};

/** The API of a started Sentinel set (see TestRedisSentinel). */
export function sentinelHandle({
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
