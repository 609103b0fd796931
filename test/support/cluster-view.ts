import { type Reply, redisCommand } from './resp.js';

/** Number of hash slots of a Redis Cluster. */
export const CLUSTER_SLOTS = 16_384;

/** One line of CLUSTER NODES: how one node sees another. */
export type ClusterNodeView = {
  id: string;
  port: number;
  role: 'master' | 'replica';
  /** The node's master id (replicas only). */
  masterId: string | null;
  /** `fail` or `fail?` (pfail) in the flags: the viewer cannot reach it. */
  failing: boolean;
  /** `connected` or `disconnected` (the viewer's bus link). */
  connected: boolean;
  /** Inclusive slot ranges it owns; migrating/importing markers are left out. */
  slots: [number, number][];
  flags: string[];
};

/** Parses CLUSTER NODES output. */
export function parseClusterNodes(text: string): ClusterNodeView[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [id = '', address = '', flagText = '', master = '-', , , , link = '', ...slotFields] = line
        .trim()
        .split(' ');
      const flags = flagText.split(',');
      const slots = slotFields
        .filter((s) => !s.startsWith('['))
        .map((s): [number, number] => {
          const [from, to = from] = s.split('-');
          return [Number(from), Number(to)];
        });
      return {
        id,
        port: Number(address.split('@')[0]?.split(':').at(-1)),
        role: flags.includes('master') ? 'master' : 'replica',
        masterId: master === '-' ? null : master,
        failing: flags.includes('fail') || flags.includes('fail?'),
        connected: link === 'connected',
        slots,
        flags,
      };
    });
}

/** `port`'s CLUSTER NODES, parsed; rejects when the node does not answer within `timeoutMs`. */
export async function clusterView(port: number, password?: string, timeoutMs = 1000): Promise<ClusterNodeView[]> {
  return parseClusterNodes(String(await redisCommand(port, ['CLUSTER', 'NODES'], { password, timeoutMs })));
}

/** `port`'s CLUSTER INFO as a field → value map. */
export async function clusterInfo(port: number, password?: string, timeoutMs = 1000): Promise<Map<string, string>> {
  return infoFields(await redisCommand(port, ['CLUSTER', 'INFO'], { password, timeoutMs }));
}

/** Parses `field:value` lines (CLUSTER INFO, INFO sections). */
export function infoFields(reply: Reply): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of String(reply).split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

/** The node that owns `slot` in `view`, if any. */
export function ownerOf(view: ClusterNodeView[], slot: number): ClusterNodeView | undefined {
  return view.find((n) => n.role === 'master' && n.slots.some(([from, to]) => slot >= from && slot <= to));
}

/** The slot → owner map of `view` as a canonical string, to compare two nodes' views. */
export function slotMapKey(view: ClusterNodeView[]): string {
  return view
    .filter((n) => n.role === 'master')
    .flatMap((n) => n.slots.map(([from, to]) => `${from}-${to}:${n.id}`))
    .sort()
    .join(',');
}

/** How many slots `view`'s masters own in total (16384 when every slot is covered). */
export function coveredSlots(view: ClusterNodeView[]): number {
  return view
    .filter((n) => n.role === 'master')
    .reduce((sum, n) => sum + n.slots.reduce((s, [from, to]) => s + to - from + 1, 0), 0);
}
