import net from 'node:net';
import { listenOnLoopback } from './listen.js';

export type StallProxy = {
  port: number;
  /** A network partition: bytes stop flowing both ways, nothing is closed, new connections are never answered. */
  stall(): void;
  /** Partitions right after a client sends bytes containing `marker` (those bytes still reach the server). */
  stallAfterSent(marker: string): Promise<void>;
  /**
   * Partitions just before a client's bytes containing `marker` reach the server: those
   * bytes are held, and dropped if the client gives up on the connection before `heal()`.
   */
  stallBeforeSent(marker: string): Promise<void>;
  /** Bytes flow again; connections the client gave up on meanwhile are closed on the server side too. */
  heal(): void;
  close(): Promise<void>;
};

type Pair = { client: net.Socket; upstream: net.Socket; held: { to: net.Socket; data: Buffer }[] };

/**
 * A TCP relay that black-holes traffic the way a vanished host or a partition does: unlike
 * a refused connection, nobody learns anything. While stalled, a client closing its side is
 * not passed on, so the server keeps the session (and any locks it holds) until it notices.
 */
export async function startStallProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<StallProxy> {
  const pairs = new Set<Pair>();
  const limbo = new Set<net.Socket>();
  const orphans = new Set<net.Socket>();
  let stalled = false;
  let trigger: { marker: string; before: boolean; fire: () => void } | null = null;

  const server = net.createServer((client) => {
    client.on('error', () => undefined);
    if (stalled) {
      limbo.add(client);
      client.once('close', () => limbo.delete(client));
      return;
    }
    const upstream = net.connect(targetPort, targetHost);
    upstream.on('error', () => undefined);
    const pair: Pair = { client, upstream, held: [] };
    pairs.add(pair);
    const relay = (from: net.Socket, to: net.Socket) =>
      from.on('data', (data: Buffer) => {
        if (trigger?.before && from === client && data.includes(trigger.marker)) trigger.fire();
        if (stalled) return void pair.held.push({ to, data });
        to.write(data);
        if (trigger && !trigger.before && from === client && data.includes(trigger.marker)) trigger.fire();
      });
    relay(client, upstream);
    relay(upstream, client);
    const closed = (side: net.Socket, other: net.Socket) =>
      side.once('close', () => {
        pairs.delete(pair);
        if (stalled) orphans.add(other);
        else other.destroy();
      });
    closed(client, upstream);
    closed(upstream, client);
  });
  const port = await listenOnLoopback(server);

  const stall = () => {
    stalled = true;
  };
  const arm = (marker: string, before: boolean) =>
    new Promise<void>((resolve) => {
      trigger = {
        marker,
        before,
        fire: () => {
          trigger = null;
          stall();
          resolve();
        },
      };
    });
  return {
    port,
    stall,
    stallAfterSent: (marker) => arm(marker, false),
    stallBeforeSent: (marker) => arm(marker, true),
    heal: () => {
      stalled = false;
      for (const s of [...limbo, ...orphans]) s.destroy();
      orphans.clear();
      for (const p of pairs) for (const { to, data } of p.held.splice(0)) to.write(data);
    },
    close: async () => {
      for (const p of pairs) {
        p.client.destroy();
        p.upstream.destroy();
      }
      for (const s of [...limbo, ...orphans]) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
