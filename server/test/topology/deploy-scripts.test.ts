import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/redis-server.js';
import {
  ask,
  freeClusterPort,
  infoFields,
  LOOPBACK_ARGS,
  runScript,
  runToEnd,
  type ScriptProcess,
  tempDirs,
  waitFor,
} from '../integration/deploy/redis-scripts.js';
import {
  CLUSTER_DIR,
  REPLICATED_SETTINGS,
  SENTINEL_DIR,
  sentinelMonitor,
  topologySettings,
} from '../integration/deploy/redis-topologies.js';

// The start and create scripts of k8s/overlays/* (also run by the docker-compose.yml
// profiles), run here with real redis-server processes, since no container runs on this
// machine. Members are named `localhost:<port>` where pods have `<pod>.<service>:6379`.

/** Each member's live settings equal the shipped file's (CONFIG GET on the running server). */
async function expectSettings(port: number, dir: string) {
  for (const [k, v] of [...topologySettings(dir), ...REPLICATED_SETTINGS]) {
    if (k === 'cluster-config-file') continue;
    expect((await ask(port, 'CONFIG', 'GET', k)) as string[], `${port} ${k}`).toEqual([k, v]);
  }
}

describe('Sentinel set scripts (start-redis.sh, start-sentinel.sh)', () => {
  const dirs = tempDirs();
  const procs = new Map<number, ScriptProcess>();
  afterAll(async () => {
    for (const p of procs.values()) await p.kill();
    dirs.remove();
  });
  const name = sentinelMonitor(SENTINEL_DIR).name;
  let nodes: number[] = [];
  let sentinels: number[] = [];
  let env: (self: number) => Record<string, string> = () => ({});
  const workDir = new Map<number, string>();
  const start = (port: number, script: string) => {
    const cwd = workDir.get(port) ?? dirs.make();
    workDir.set(port, cwd);
    procs.set(port, runScript(SENTINEL_DIR, script, env(port), cwd, LOOPBACK_ARGS));
  };
  const masterOf = async (sentinel: number) => {
    const a = (await ask(sentinel, 'SENTINEL', 'get-master-addr-by-name', name)) as string[] | null;
    return a ? Number(a[1]) : null;
  };

  it('form 1 master, 2 replicas and 3 sentinels that agree (quorum reachable)', async () => {
    nodes = [await freePort(), await freePort(), await freePort()];
    sentinels = [await freePort(), await freePort(), await freePort()];
    env = (self) => ({
      SELF: `localhost:${self}`,
      SEED_MASTER: `localhost:${nodes[0]}`,
      SENTINELS: sentinels.map((p) => `localhost:${p}`).join(' '),
    });
    for (const p of nodes) start(p, 'start-redis.sh');
    const master = nodes[0] as number;
    await waitFor('2 replicas in sync', async () => {
      return infoFields(await ask(master, 'INFO', 'replication')).get('min_slaves_good_slaves') === '2';
    });
    for (const p of sentinels) start(p, 'start-sentinel.sh');
    for (const s of sentinels)
      await waitFor(`sentinel ${s} sees the others`, async () => {
        const fields = (await ask(s, 'SENTINEL', 'master', name)) as string[] | null;
        const m = new Map<string, string>();
        for (let i = 0; fields && i < fields.length; i += 2) m.set(fields[i] ?? '', fields[i + 1] ?? '');
        return m.get('num-other-sentinels') === '2' && m.get('num-slaves') === '2';
      });
    expect(await ask(sentinels[0] as number, 'SENTINEL', 'CKQUORUM', name)).toMatch(/^OK/);
    expect(await masterOf(sentinels[1] as number)).toBe(master);
    expect(await ask(master, 'SET', 'deploy-test', '1')).toBe('OK');
    for (const p of nodes) await expectSettings(p, SENTINEL_DIR);
  }, 60_000);

  it('after the master dies: a replica is promoted; the old master and a restarted sentinel join it', async () => {
    const old = nodes[0] as number;
    await procs.get(old)?.kill();
    const promoted = await waitFor(
      'a failover',
      async () => {
        const m = await masterOf(sentinels[0] as number);
        return m !== null && m !== old ? m : null;
      },
      30_000,
    );
    expect(nodes).toContain(promoted);
    // Restarted, the old master asks the sentinels and comes back as a replica of the new one.
    start(old, 'start-redis.sh');
    await waitFor('the old master to replicate the new one', async () => {
      const info = infoFields(await ask(old, 'INFO', 'replication'));
      return info.get('role') === 'slave' && info.get('master_port') === String(promoted);
    });
    expect(procs.get(old)?.output()).toMatch(new RegExp(`with master localhost:${promoted}`));
    // A sentinel restarted with an empty state monitors the current master, not the seed.
    const s = sentinels[2] as number;
    await procs.get(s)?.kill();
    start(s, 'start-sentinel.sh');
    await waitFor('the restarted sentinel', async () => (await masterOf(s)) === promoted);
    expect(procs.get(s)?.output()).toMatch(new RegExp(`monitoring ${name} at localhost:${promoted}`));
  }, 60_000);
});

describe('Redis Cluster scripts (start-node.sh, create-cluster.sh)', () => {
  const dirs = tempDirs();
  const procs: ScriptProcess[] = [];
  afterAll(async () => {
    for (const p of procs) await p.kill();
    dirs.remove();
  });
  const ports: number[] = [];
  const work: string[] = [];
  const startAll = () => {
    for (const [i, port] of ports.entries()) {
      work[i] ??= dirs.make();
      procs[i] = runScript(
        CLUSTER_DIR,
        'start-node.sh',
        { SELF: `localhost:${port}` },
        work[i] as string,
        LOOPBACK_ARGS,
      );
    }
  };
  const create = () =>
    runToEnd(CLUSTER_DIR, 'create-cluster.sh', { NODES: ports.map((p) => `localhost:${p}`).join(' ') }, dirs.make());
  const clusterInfo = async (port: number) => infoFields(await ask(port, 'CLUSTER', 'INFO'));
  const nodesLines = async (port: number) =>
    String(await ask(port, 'CLUSTER', 'NODES'))
      .trim()
      .split('\n');
  const flags = (line: string) => (line.split(' ')[2] ?? '').split(',');
  const isMaster = (line: string) => flags(line).includes('master');
  const isReplica = (line: string) => flags(line).includes('slave');
  const allOk = async () => (await Promise.all(ports.map(clusterInfo))).every((i) => i.get('cluster_state') === 'ok');

  it('create-cluster.sh forms 3 masters with one replica each', async () => {
    for (let i = 0; i < 6; i++) ports.push(await freeClusterPort());
    startAll();
    const { code, output } = await create();
    expect(code, output).toBe(0);
    expect(output).toMatch(/cluster created/);
    await waitFor('every node ok', allOk);
    // Roles reach the other nodes' views by gossip, a moment after the create returns.
    const lines = await waitFor('3 masters and 3 replicas', async () => {
      const l = await nodesLines(ports[0] as number);
      return l.filter(isMaster).length === 3 && l.filter(isReplica).length === 3 ? l : null;
    });
    const replicas = lines.filter(isReplica);
    // Each replica follows a different master.
    expect(new Set(replicas.map((l) => l.split(' ')[3])).size).toBe(3);
    for (const p of ports) await expectSettings(p, CLUSTER_DIR);
    expect(await ask(ports[0] as number, 'CONFIG', 'GET', 'cluster-enabled')).toEqual(['cluster-enabled', 'yes']);
  }, 90_000);

  it('create-cluster.sh run again does nothing', async () => {
    const before = (await nodesLines(ports[0] as number)).map((l) => l.split(' ')[0]).sort();
    const { code, output } = await create();
    expect(code, output).toBe(0);
    expect(output).toMatch(/cluster_state:ok\): nothing to do/);
    expect((await nodesLines(ports[0] as number)).map((l) => l.split(' ')[0]).sort()).toEqual(before);
  }, 60_000);

  it('after every node restarted and the addresses in nodes.conf went stale, the cluster comes back', async () => {
    for (const p of procs) await p.kill();
    // As when every pod is rescheduled with a new IP: no node could reach another at its old address.
    for (const w of work) {
      const file = join(w, 'nodes.conf');
      writeFileSync(file, readFileSync(file, 'utf8').replaceAll(/ 127\.0\.0\.1:/g, ' 10.255.255.1:'));
    }
    startAll();
    // cluster_state:ok comes back from nodes.conf at once; the links show whether nodes reach each other.
    const linked = async (port: number) =>
      (await nodesLines(port)).every((l) => {
        const [, address = '', flagList = '', , , , , link = ''] = l.split(' ');
        return address.startsWith('127.0.0.1:') && link === 'connected' && !/fail/.test(flagList);
      });
    await waitFor(
      'every node linked to every other',
      async () => (await allOk()) && (await Promise.all(ports.map(linked))).every(Boolean),
      30_000,
    );
    expect(readFileSync(join(work[0] as string, 'nodes.conf'), 'utf8')).not.toMatch(/10\.255\.255\.1/);
  }, 60_000);
});
