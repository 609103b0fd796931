import net from 'node:net';
import { listenOnLoopback } from './listen.js';

export type StallProxy = {
  port: number;
  /** A network partition: bytes stop flowing both ways, nothing is closed, new connections are never answered. */
  stall(): void;
  /**
   * Partitions right after a client sends bytes containing `marker` (those bytes still reach the
   * server). With `onlyAfter`, only on a connection that sent bytes containing it since the call
   * (e.g. the COMMIT of the transaction that wrote `sla_change`, not a background one's).
   */
  stallAfterSent(marker: string, onlyAfter?: string): Promise<void>;
  /**
   * Partitions just before a client's bytes containing `marker` reach the server: those
   * bytes are held, and dropped if the client gives up on the connection before `heal()`.
   * `onlyAfter` as for `stallAfterSent`.
   */
  stallBeforeSent(marker: string, onlyAfter?: string): Promise<void>;
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
  let trigger: {
    marker: string;
    before: boolean;
    onlyAfter: string | undefined;
    primed: WeakSet<Pair>;
    fire: () => void;
  } | null = null;
  /** Whether `data` from `pair`'s client is the armed trigger's marker on a connection it may strike. */
  const strikes = (pair: Pair, data: Buffer): boolean => {
    if (!trigger) return false;
    if (trigger.onlyAfter !== undefined && data.includes(trigger.onlyAfter)) trigger.primed.add(pair);
    return data.includes(trigger.marker) && (trigger.onlyAfter === undefined || trigger.primed.has(pair));
  };

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
        const struck = from === client && strikes(pair, data);
        if (struck && trigger?.before) trigger.fire();
        if (stalled) return void pair.held.push({ to, data });
        to.write(data);
        if (struck && trigger && !trigger.before) trigger.fire();
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
  const arm = (marker: string, before: boolean, onlyAfter?: string) =>
    new Promise<void>((resolve) => {
      trigger = {
        marker,
        before,
        onlyAfter,
        primed: new WeakSet(),
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
    stallAfterSent: (marker, onlyAfter) => arm(marker, false, onlyAfter),
    stallBeforeSent: (marker, onlyAfter) => arm(marker, true, onlyAfter),
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
