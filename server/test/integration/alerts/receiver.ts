import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got, with its raw body (signatures are checked over these bytes). */
export type Received = { method: string; path: string; headers: IncomingMessage['headers']; body: string };

/** How a receiver answers a request: status and body, or `hang` (never answers, for timeouts). */
export type Answer = { status: number; body?: string; contentType?: string } | 'hang';

/** A real node:http receiver; `connections` counts TCP connections, so a test can tell none was made. */
export type Receiver = {
  url: string;
  port: number;
  requests: Received[];
  connections: () => number;
  close: () => Promise<void>;
};

/**
 * Starts a receiver on `host` (127.0.0.1 or ::1) on a free port; `answer` decides each reply
 * (default 200 `ok`). `close()` ends hanging requests and the server.
 */
export async function startReceiver(
  answer: (req: Received, n: number) => Answer = () => ({ status: 200, body: 'ok' }),
  host = '127.0.0.1',
): Promise<Receiver> {
  const requests: Received[] = [];
  let connections = 0;
  const hanging: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const got = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(got);
      const a = answer(got, requests.length);
      if (a === 'hang') {
        hanging.push(res);
        return;
      }
      res.writeHead(a.status, { 'content-type': a.contentType ?? 'text/plain' }).end(a.body ?? '');
    });
  });
  server.on('connection', () => {
    connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    requests,
    connections: () => connections,
    close: async () => {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
