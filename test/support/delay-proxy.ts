import net from 'node:net';
import { listenOnLoopback } from './listen.js';

/** Added latency per direction, in ms: `toServer` holds what the client sends, `toClient` the replies. */
export type Delay = { toServer: number; toClient: number };

export type DelayProxy = {
  /** Connect here instead of the target. */
  port: number;
  /**
   * Sets the latency for bytes that arrive from now on (a number: both directions). Bytes
   * keep their order: a chunk never overtakes one that arrived before it, so lowering the
   * delay lets the queue drain no faster than it was filled.
   */
  setDelay(delay: Partial<Delay> | number): void;
  close(): Promise<void>;
};

/**
 * One direction of a connection: chunks wait in arrival order until their due time. A single
 * timer per direction (rather than one per chunk) keeps the order even when the delay changes.
 */
function delayedPipe(from: net.Socket, to: net.Socket, delayMs: () => number): void {
  const queue: { data: Buffer; due: number }[] = [];
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    timer = null;
    const now = performance.now();
    while (queue.length > 0 && (queue[0]?.due ?? 0) <= now) to.write(queue.shift()?.data as Buffer);
    const next = queue[0];
    if (next) timer = setTimeout(flush, Math.max(0, next.due - now));
  };
  from.on('data', (data: Buffer) => {
    const ms = delayMs();
    if (ms <= 0 && queue.length === 0) return void to.write(data);
    queue.push({ data, due: performance.now() + ms });
    timer ??= setTimeout(flush, ms);
  });
  from.on('close', () => {
    if (timer) clearTimeout(timer);
    queue.length = 0;
  });
}

/**
 * A TCP relay on 127.0.0.1 that adds latency, e.g. in front of Redis to see what waits for
 * a write and what does not. Closing either side closes the other at once (pending bytes
 * are dropped, as on a link that went away).
 */
export async function startDelayProxy(
  targetPort: number,
  targetHost = '127.0.0.1',
  initial: Partial<Delay> | number = 0,
): Promise<DelayProxy> {
  const delay: Delay = { toServer: 0, toClient: 0 };
  const setDelay = (d: Partial<Delay> | number) => {
    Object.assign(delay, typeof d === 'number' ? { toServer: d, toClient: d } : d);
  };
  setDelay(initial);
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, targetHost);
    for (const [socket, other] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      open.add(socket);
      socket.on('error', () => other.destroy());
      socket.once('close', () => {
        open.delete(socket);
        other.destroy();
      });
    }
    delayedPipe(client, upstream, () => delay.toServer);
    delayedPipe(upstream, client, () => delay.toClient);
  });
  const port = await listenOnLoopback(server);
  return {
    port,
    setDelay,
    close: async () => {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
