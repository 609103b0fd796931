import net from 'node:net';
import { listenOnLoopback } from './listen.js';

export type TcpProxy = {
  /** Connect here instead of the target. */
  port: number;
  /** Destroys every open connection; new ones are accepted. */
  cut(): void;
  /** Destroys open connections and drops new ones until resume(). */
  pause(): void;
  resume(): void;
  /** New connections go to this port from now on (open ones stay where they are). */
  retarget(port: number): void;
  close(): Promise<void>;
};

/** Sees every byte relayed, per connection (numbered from 1 in the order accepted). */
export type ProxyTap = {
  fromClient(connection: number, chunk: Buffer): void;
  fromServer(connection: number, chunk: Buffer): void;
};

/**
 * A TCP relay on 127.0.0.1 for injecting network faults between a client and a server;
 * `tap`, when given, is shown the bytes each way (e.g. to count PostgreSQL transactions).
 */
export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1', tap?: ProxyTap): Promise<TcpProxy> {
  const open = new Set<net.Socket>();
  let paused = false;
  let port = targetPort;
  const track = (socket: net.Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  };
  const cut = () => {
    for (const socket of open) socket.destroy();
  };

  let accepted = 0;
  const server = net.createServer((client) => {
    if (paused) {
      client.destroy();
      return;
    }
    const upstream = net.connect(port, targetHost);
    if (tap) {
      const id = ++accepted;
      client.on('data', (chunk: Buffer) => tap.fromClient(id, chunk));
      upstream.on('data', (chunk: Buffer) => tap.fromServer(id, chunk));
    }
    track(client);
    track(upstream);
    // One side failing or closing takes the other down, like a real broken link.
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const listening = await listenOnLoopback(server);

  return {
    port: listening,
    cut,
    pause: () => {
      paused = true;
      cut();
    },
    resume: () => {
      paused = false;
    },
    retarget: (next) => {
      port = next;
    },
    close: async () => {
      paused = true;
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
