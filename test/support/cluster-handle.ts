import { moveSlot } from './cluster-migrate.js';
import { type ClusterNodeView, clusterView, ownerOf } from './cluster-view.js';
import { waitForClusterOk } from './cluster-wait.js';
import { pollUntil } from './poll.js';
import type { RedisProcess } from './redis-process.js';
import { redisCommand } from './resp.js';

/** A node of the test cluster: its process, its stable node id and its current role. */
export type ClusterNode = RedisProcess & {
  /** The node id (40 hex chars); kept across restart() since nodes.conf stays. */
  id: string;
  /** The role the node reports itself (ROLE); rejects when it does not answer within 1 s. */
  role(): Promise<'master' | 'replica'>;
};

/** A master as the cluster sees it. */
export type ClusterMaster = { port: number; id: string; slots: [number, number][] };

export type TestRedisCluster = {
  nodes: ClusterNode[];
  /** For ioredis `new Cluster(startupNodes, { redisOptions: { password } })`. */
  startupNodes: { host: string; port: number }[];
  password: string | undefined;
  /** The node listening on `port`; throws if none. */
  node(port: number): ClusterNode;
  /** Masters owning slots, from CLUSTER NODES of the first running node that answers, by port. */
  masters(): Promise<ClusterMaster[]>;
  /** Port of the master owning `slot`, in the view of the first running node that answers. */
  masterOfSlot(slot: number): Promise<number>;
  /** The hash slot of `key` (CLUSTER KEYSLOT). */
  slotOf(key: string): Promise<number>;
  /** Port of a replica of the master on `masterPort` (current view); throws if it has none. */
  replicaOf(masterPort: number): Promise<number>;
  /**
   * CLUSTER FAILOVER on the replica (graceful by default; FORCE/TAKEOVER when its master is
   * unreachable), resolving once the replica reports role master and every other running node
   * sees it as a master. Rejects after `timeoutMs` (default 10 s).
   */
  failover(replicaPort: number, options?: { mode?: 'FORCE' | 'TAKEOVER'; timeoutMs?: number }): Promise<void>;
  /**
   * Resolves to the port of the replica that replaced the master on `port` (frozen or killed),
   * once every other running node sees that replica as a master owning slots.
   * Rejects after `timeoutMs` (default 10 s) or when the master had no replica.
   */
  waitForFailoverOf(port: number, timeoutMs?: number): Promise<number>;
  /**
   * Moves `slot` to the master on `toMasterPort` with the resharding steps of redis-cli:
   * SETSLOT IMPORTING on the target, MIGRATING on the source, MIGRATE of its keys in batches,
   * then SETSLOT NODE on the target, the source and every other running master. A first batch
   * moves before `whileMigrating` runs, so while it runs the slot is MIGRATING and its keys are
   * split (clients see ASK and TRYAGAIN); the keys left (and any it wrote) move afterwards.
   * Resolves when every running node sees the new owner.
   */
  migrateSlot(slot: number, toMasterPort: number, options?: { whileMigrating?: () => Promise<void> }): Promise<void>;
  /**
   * Resolves when every running node says cluster_state:ok, all running nodes agree on the
   * slot owners, none sees a running node as failing, and every running replica's link to its
   * master is up. Rejects after `timeoutMs` (default 15 s) naming what was still wrong.
   */
  waitForOk(timeoutMs?: number): Promise<void>;
  /** Kills every node and removes their directories. */
  close(): Promise<void>;
};

/** The API of a started cluster over its `nodes` (see TestRedisCluster). */
export function clusterHandle(
  nodes: ClusterNode[],
  password: string | undefined,
  close: () => Promise<void>,
): TestRedisCluster {
  const node = (port: number) => {
    const found = nodes.find((n) => n.port === port);
    if (!found) throw new Error(`no cluster node on port ${port}`);
    return found;
  };
  const running = () => nodes.filter((n) => n.state === 'running');
  /** The view of the first running node that answers. */
  const view = async (): Promise<ClusterNodeView[]> => {
    for (const n of running()) {
      const seen = await clusterView(n.port, password).catch(() => null);
      if (seen) return seen;
    }
    throw new Error('no running cluster node answers');
  };
  const masterOfSlot = async (slot: number) => {
    const owner = ownerOf(await view(), slot);
    if (!owner) throw new Error(`slot ${slot} has no owner`);
    return node(owner.port).port;
  };
  /** Resolves when every running node other than `except` sees one node of `ids` as a slot-owning master. */
  const seenAsMaster = (ids: Set<string>, except: number) => async () => {
    let agreed: string | undefined;
    for (const n of running().filter((r) => r.port !== except)) {
      const promoted = (await clusterView(n.port, password)).find(
        (v) => ids.has(v.id) && v.role === 'master' && v.slots.length > 0,
      );
      if (!promoted) throw new Error(`node ${n.port} sees none of ${[...ids]} as master yet`);
      if (agreed !== undefined && agreed !== promoted.id) throw new Error('nodes disagree on the new master');
      agreed = promoted.id;
    }
    return agreed === undefined ? undefined : nodes.find((n) => n.id === agreed)?.port;
  };

  return {
    nodes,
    startupNodes: nodes.map((n) => ({ host: '127.0.0.1', port: n.port })),
    password,
    node,
    masters: async () =>
      (await view())
        .filter((v) => v.role === 'master' && v.slots.length > 0)
        .map((v) => ({ port: v.port, id: v.id, slots: v.slots }))
        .sort((a, b) => a.port - b.port),
    masterOfSlot,
    slotOf: async (key) =>
      Number(await redisCommand(running()[0]?.port ?? 0, ['CLUSTER', 'KEYSLOT', key], { password })),
    replicaOf: async (masterPort) => {
      const id = node(masterPort).id;
      const replica = (await view()).find((v) => v.masterId === id && !v.failing);
      if (!replica) throw new Error(`master on port ${masterPort} has no replica`);
      return replica.port;
    },
    failover: async (replicaPort, opts = {}) => {
      const replica = node(replicaPort);
      const args = ['CLUSTER', 'FAILOVER', ...(opts.mode ? [opts.mode] : [])];
      await redisCommand(replicaPort, args, { password });
      const timeoutMs = opts.timeoutMs ?? 10_000;
      await pollUntil(`failover to ${replicaPort}`, timeoutMs, async () =>
        (await replica.role()) === 'master' ? true : undefined,
      );
      await pollUntil(
        `cluster sees ${replicaPort} as master`,
        timeoutMs,
        seenAsMaster(new Set([replica.id]), replicaPort),
      );
    },
    waitForFailoverOf: async (port, timeoutMs = 10_000) => {
      const id = node(port).id;
      const replicas = new Set((await view()).filter((v) => v.masterId === id).map((v) => v.id));
      if (replicas.size === 0) throw new Error(`master on port ${port} has no replica to fail over to`);
      return pollUntil(`failover of ${port}`, timeoutMs, seenAsMaster(replicas, port));
    },
    migrateSlot: async (slot, toMasterPort, opts = {}) => {
      const from = node(await masterOfSlot(slot));
      const to = node(toMasterPort);
      if (from === to) return;
      const otherMasters = (await view()).filter((v) => v.role === 'master' && v.id !== from.id && v.id !== to.id);
      await moveSlot({ slot, from, to, password, whileMigrating: opts.whileMigrating });
      for (const m of otherMasters) {
        if (node(m.port).state === 'running')
          await redisCommand(m.port, ['CLUSTER', 'SETSLOT', slot, 'NODE', to.id], { password });
      }
      await pollUntil(`every node sees slot ${slot} on ${toMasterPort}`, 10_000, async () => {
        for (const n of running()) {
          if (ownerOf(await clusterView(n.port, password), slot)?.id !== to.id) throw new Error(`${n.port} not yet`);
        }
        return true;
      });
    },
    waitForOk: (timeoutMs = 15_000) => waitForClusterOk(nodes, password, timeoutMs),
    close,
  };
}
