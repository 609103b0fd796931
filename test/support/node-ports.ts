import { readFileSync } from 'node:fs';
import net from 'node:net';

/** Redis Cluster nodes talk to each other on their client port + 10000. */
export const CLUSTER_BUS_OFFSET = 10_000;

/**
 * The first port of the kernel's ephemeral range (outgoing connections take their local
 * port from it). A node that is killed and restarted must find its port still free: a port
 * below this range cannot have been handed to some client socket in the meantime.
 */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 20_000 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

/**
 * Picks `count` distinct ports of 127.0.0.1 that are free now, below the ephemeral range, so
 * restarts on the same port are safe. With `clusterBus`, each port's bus port (+10000) is free
 * too and no bus port collides with another pick (so every pick is ≤ 55535). Ports are held
 * while picking and released together; a concurrent picker could still race for them.
 */
export async function freeNodePorts(count: number, options: { clusterBus?: boolean } = {}): Promise<number[]> {
  const low = 12_000;
  const high = ephemeralLow() - (options.clusterBus ? CLUSTER_BUS_OFFSET : 0);
  const held: net.Server[] = [];
  const taken = new Set<number>();
  const picked: number[] = [];
  try {
    for (let attempt = 0; picked.length < count; attempt++) {
      if (attempt > 500) throw new Error(`no ${count} free ports found in ${low}..${high}`);
      const port = low + Math.floor(Math.random() * (high - low));
      const needed = options.clusterBus ? [port, port + CLUSTER_BUS_OFFSET] : [port];
      if (needed.some((p) => taken.has(p))) continue;
      const servers = await Promise.all(needed.map(tryListen));
      if (servers.every((s) => s !== null)) {
        held.push(...(servers as net.Server[]));
        for (const p of needed) taken.add(p);
        picked.push(port);
      } else for (const s of servers) s?.close();
    }
    return picked;
  } finally {
    await Promise.all(held.map((s) => new Promise((r) => s.close(r))));
  }
}

function tryListen(port: number): Promise<net.Server | null> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(null));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
