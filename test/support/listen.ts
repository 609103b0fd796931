import { once } from 'node:events';
import type net from 'node:net';

/**
 * Starts `server` on an ephemeral port of 127.0.0.1 and resolves to that port, once it
 * listens. Throws when the server reports no TCP address.
 */
export async function listenOnLoopback(server: net.Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server has no TCP port');
  return address.port;
}
