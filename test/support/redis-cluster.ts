import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { removeOnExit } from './children.js';
import { type ClusterNode, clusterHandle, type TestRedisCluster } from './cluster-handle.js';
import { waitForClusterOk } from './cluster-wait.js';
import { freeNodePorts } from './node-ports.js';
import { type RedisProcess, roleOf, startRedisProcess } from './redis-process.js';
import { redisCommand } from './resp.js';

export type { ClusterMaster, ClusterNode, TestRedisCluster } from './cluster-handle.js';

export type RedisClusterOptions = {
  /** Shards (masters owning slots). Default 3. */
  masters?: number;
  /** Replicas of each master. Default 1. */
  replicasPerMaster?: number;
  /** cluster-node-timeout in ms: how long a node may be unreachable before it is failed over. Default 1000. */
  nodeTimeoutMs?: number;
  /** requirepass and masterauth on every node. */
  password?: string;
};

const run = promisify(execFile);

/**
 * Starts `masters × (1 + replicasPerMaster)` redis-server nodes on free ports (no persistence,
 * each in its own temporary directory), joins them with `redis-cli --cluster create`, and
 * resolves once the cluster is ok everywhere and every master has its replicas attached, so a
 * failover can happen. Every process is killed when the test process ends, even on a crash.
 */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<TestRedisCluster> {
  const { masters = 3, replicasPerMaster = 1, nodeTimeoutMs = 1000, password } = options;
  const ports = await freeNodePorts(masters * (1 + replicasPerMaster), { clusterBus: true });
  const root = mkdtempSync(join(tmpdir(), 'redis-cluster-'));
  const forgetRoot = removeOnExit(root);
  const started: RedisProcess[] = [];
  const nodes: ClusterNode[] = [];
  const close = async () => {
    await Promise.all(started.map((n) => n.kill()));
    rmSync(root, { recursive: true, force: true });
    forgetRoot();
  };
  try {
    await Promise.all(
      ports.map(async (port) => started.push(await startClusterNode(root, port, nodeTimeoutMs, password))),
    );
    const auth = password === undefined ? [] : ['-a', password, '--no-auth-warning'];
    const create = ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-yes', ...auth];
    await run('redis-cli', [...create, '--cluster-replicas', String(replicasPerMaster)], { timeout: 30_000 });
    for (const proc of started.sort((a, b) => ports.indexOf(a.port) - ports.indexOf(b.port))) {
      const id = String(await redisCommand(proc.port, ['CLUSTER', 'MYID'], { password }));
      nodes.push(Object.assign(proc, { id, role: () => roleOf(proc.port, password) }));
    }
    const cluster = clusterHandle(nodes, password, close);
    await waitForClusterOk(nodes, password, 30_000, replicasPerMaster);
    return cluster;
  } catch (error) {
    await close();
    throw error;
  }
}

function startClusterNode(root: string, port: number, nodeTimeoutMs: number, password?: string) {
  const dir = join(root, String(port));
  mkdirSync(dir);
  const args = ['--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'];
  args.push('--cluster-enabled', 'yes', '--cluster-config-file', join(dir, 'nodes.conf'));
  args.push('--cluster-node-timeout', String(nodeTimeoutMs));
  // A replica whose master is frozen keeps aging its data; with the default factor (10) a
  // long freeze would forbid its failover. Tests want the failover to happen.
  args.push('--cluster-replica-validity-factor', '0');
  if (password !== undefined) args.push('--requirepass', password, '--masterauth', password);
  return startRedisProcess({ port, args, password, logFile: join(dir, 'redis.log') });
}
