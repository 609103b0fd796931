import { readRepoFile } from './manifests.js';

/**
 * What the Redis Sentinel and Redis Cluster deployments (docker-compose.yml profiles,
 * k8s/overlays) must agree on: the product's configuration names and the Redis settings every
 * data node gets.
 */

/** The files both deployments of a topology run (k8s ConfigMap, compose bind mount). */
export const SENTINEL_DIR = 'k8s/overlays/redis-sentinel';
export const CLUSTER_DIR = 'k8s/overlays/redis-cluster';

/** The app's configuration of each topology (issue 13, README configuration table). */
export const SENTINEL_ENV = ['REDIS_SENTINELS', 'REDIS_SENTINEL_NAME', 'REDIS_SENTINEL_PASSWORD'] as const;
export const CLUSTER_ENV = ['REDIS_CLUSTER_NODES', 'REDIS_CLUSTER_NAT_MAP'] as const;
export const TOPOLOGY_ENV: ReadonlySet<string> = new Set([...SENTINEL_ENV, ...CLUSTER_ENV]);

/**
 * Settings a Sentinel or Cluster data node needs beyond the single Redis's: a master cut off
 * from its replicas stops accepting writes within 10 s (the split-brain window).
 */
export const REPLICATED_SETTINGS: ReadonlyMap<string, string> = new Map([
  ['min-replicas-to-write', '1'],
  ['min-replicas-max-lag', '10'],
]);

/** One line of a redis.conf / sentinel.conf: the directive (lowercase) and its arguments. */
export type ConfLine = { directive: string; args: string[] };

/** Parses redis.conf syntax: one directive per line, `#` comments, blank lines ignored. */
export function parseRedisConf(text: string): ConfLine[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [directive = '', ...args] = l.split(/\s+/);
      return { directive: directive.toLowerCase(), args };
    });
}

/** The single-valued settings of a config file, as `directive -> value`. */
export function confSettings(lines: ConfLine[]): Map<string, string> {
  return new Map(lines.filter((l) => l.directive !== 'sentinel').map((l) => [l.directive, l.args.join(' ')]));
}

/** `redis.conf` of a topology's directory, as settings. */
export const topologySettings = (dir: string) => confSettings(parseRedisConf(readRepoFile(`${dir}/redis.conf`)));

/**
 * The settings the single Redis is shipped with, from its `redis-server --name value …`
 * arguments: every data node of every topology must have them too. The password is not a
 * setting here (each deployment passes its own).
 */
export function shippedSettings(argv: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 1; i < argv.length; i += 2) {
    const name = argv[i] ?? '';
    if (!name.startsWith('--')) throw new Error(`unexpected redis-server argument ${name}`);
    if (name !== '--requirepass') out.set(name.slice(2), argv[i + 1] ?? '');
  }
  return out;
}

/** The `sentinel monitor <name> <host> <port> <quorum>` line of sentinel.conf. */
export function sentinelMonitor(dir: string): { name: string; host: string; port: number; quorum: number } {
  const lines = parseRedisConf(readRepoFile(`${dir}/sentinel.conf`)).filter(
    (l) => l.directive === 'sentinel' && l.args[0] === 'monitor',
  );
  if (lines.length !== 1) throw new Error(`${dir}/sentinel.conf: expected one sentinel monitor line`);
  const [, name = '', host = '', port = '', quorum = ''] = lines[0]?.args ?? [];
  return { name, host, port: Number(port), quorum: Number(quorum) };
}

/** `a:1,b:2` or `a:1 b:2` -> ['a:1', 'b:2']. */
export const addressList = (v: string | undefined): string[] => (v ?? '').split(/[\s,]+/).filter(Boolean);
