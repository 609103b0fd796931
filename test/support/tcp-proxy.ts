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

/** A TCP relay on 127.0.0.1 for injecting network faults between a client and a server. */
export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
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

  const server = net.createServer((client) => {
    if (paused) {
      client.destroy();
      return;
    }
    const upstream = net.connect(port, targetHost);
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
