/**
 * The fan-out baseline of bench/fanout.bench.ts: a bare `node:http` + `ws` process that
 * answers the tRPC WebSocket subscribe message with `started` and, for each POSTed update,
 * sends one tRPC data message (serialised once, the same string to every socket) shaped as
 * the pod's. No database, no validation: the floor a pod's fan-out is compared with.
 * Prints its port on stdout.
 */
import http from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';

const EPOCH = '0123456789ab';
const subscribed = new Set<WebSocket>();
let nextId = 1;

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const update = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    const id = nextId++;
    const now = new Date().toISOString();
    const change = { id, ...update, previousSla: null, previousStatus: null, observedAt: now, receivedAt: now };
    const tracked = `${EPOCH}:${id}`;
    const message = JSON.stringify({
      id: 1,
      result: { type: 'data', id: tracked, data: { id: tracked, data: change } },
    });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ outcome: 'applied', id }));
    for (const ws of subscribed) ws.send(message);
  });
});
const wss = new WebSocketServer({ server, path: '/trpc' });
wss.on('connection', (ws) => {
  ws.on('message', (data) => {
    const text = data.toString();
    if (text === 'PONG') return;
    const msg = JSON.parse(text) as { id: number; method: string };
    if (msg.method !== 'subscription') return;
    subscribed.add(ws);
    ws.send(JSON.stringify({ id: msg.id, result: { type: 'started' } }));
  });
  ws.on('close', () => subscribed.delete(ws));
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(typeof address === 'object' && address ? address.port : 0);
});
