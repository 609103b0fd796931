import { CLUSTER_SLOTS, clusterInfo, clusterView, coveredSlots, infoFields, slotMapKey } from './cluster-view.js';
import { pollUntil } from './poll.js';
import type { ProcessState } from './redis-process.js';
import { redisCommand } from './resp.js';

type Node = { port: number; id: string; readonly state: ProcessState };

/**
 * Resolves when the running `nodes` form a settled cluster: each says cluster_state:ok, all
 * agree on who owns every one of the 16384 slots, none sees a running node as failing, and
 * each running replica's replication link is up. With `replicasPerMaster`, each master must
 * also have that many replicas. Rejects after `timeoutMs` with what was still wrong.
 */
export function waitForClusterOk(
  nodes: Node[],
  password: string | undefined,
  timeoutMs: number,
  replicasPerMaster?: number,
): Promise<void> {
  return pollUntil('cluster ok', timeoutMs, async () => {
    const running = nodes.filter((n) => n.state === 'running');
    let agreed: string | undefined;
    for (const n of running) {
      const state = (await clusterInfo(n.port, password)).get('cluster_state');
      if (state !== 'ok') throw new Error(`node ${n.port}: cluster_state ${state}`);
      const view = await clusterView(n.port, password);
      const slots = slotMapKey(view);
      if (agreed !== undefined && slots !== agreed) throw new Error(`node ${n.port} sees other slot owners`);
      agreed = slots;
      if (coveredSlots(view) !== CLUSTER_SLOTS)
        throw new Error(`node ${n.port} sees ${coveredSlots(view)} slots covered`);
      for (const other of running) {
        const seen = view.find((v) => v.id === other.id);
        if (!seen || seen.failing) throw new Error(`node ${n.port} sees ${other.port} as ${seen?.flags ?? 'unknown'}`);
      }
      const me = view.find((v) => v.flags.includes('myself'));
      if (me?.role === 'replica') {
        const link = infoFields(await redisCommand(n.port, ['INFO', 'replication'], { password, timeoutMs: 1000 }));
        if (link.get('master_link_status') !== 'up') throw new Error(`replica ${n.port}: link to its master is not up`);
      }
      if (replicasPerMaster !== undefined) {
        for (const master of view.filter((v) => v.role === 'master' && v.slots.length > 0)) {
          const count = view.filter((v) => v.masterId === master.id).length;
          if (count < replicasPerMaster) throw new Error(`node ${n.port} sees ${count} replicas of ${master.port}`);
        }
      }
    }
    // No running node: nothing to wait for would hide a broken harness.
    if (agreed === undefined) throw new Error('no node is running');
    return true;
  }).then(() => undefined);
}
