import net from 'node:net';
import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { dropSchema, startPod, uniqueSchema } from '../../support/app.js';

/** Whether a TCP connection to host:port is accepted. */
const reachable = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.setTimeout(2_000, () => {
      socket.destroy();
      resolve(false);
    });
  });

describe('a pod started without HOST', () => {
  it('listens on loopback only: the one-command run is not reachable from the network', async () => {
    const schema = uniqueSchema('loopback');
    // An empty value counts as unset, so the server's own default applies.
    const pod = await startPod({ schema, HOST: '' });
    try {
      const url = new URL(pod.url);
      const port = Number(url.port);
      expect(url.hostname).toBe('127.0.0.1');
      expect(await reachable('127.0.0.1', port)).toBe(true);
      const external = Object.values(networkInterfaces())
        .flat()
        .filter((i) => i && !i.internal && i.family === 'IPv4')
        .map((i) => i?.address as string);
      for (const address of external) expect(await reachable(address, port), address).toBe(false);
    } finally {
      await pod.close();
      await dropSchema(schema);
    }
  });
});
