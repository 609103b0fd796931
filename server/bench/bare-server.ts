/**
 * The baseline of the hot-reads bench: a bare `node:http` server answering fixed bytes per
 * URL (the bytes the pod sent), compressed ones to `Accept-Encoding: gzip` requests when it
 * was given them, with the response header fields the pod sent for them (the same names and
 * values, so the same header bytes; Node adds `Date`, `Connection` and `Keep-Alive` to both),
 * written in one `writeHead` from a prepared array: the cheapest a `node:http` server can
 * send them. Runs as its own process: `node bare-server.js <answers.json>`; prints its port.
 * answers.json: `{ "<url>": { "identity": Stored, "gzip"?: Stored } }` with
 * `Stored = { body: "<base64>", headers: [name, value, …] }`.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

export type StoredAnswer = { body: string; headers: string[] };
type Answer = { body: Buffer; headers: string[] };

const file = process.argv[2];
if (!file) throw new Error('usage: bare-server <answers.json>');
const decode = (a: StoredAnswer): Answer => ({ body: Buffer.from(a.body, 'base64'), headers: a.headers });
const answers = new Map(
  Object.entries(
    JSON.parse(readFileSync(file, 'utf8')) as Record<string, { identity: StoredAnswer; gzip?: StoredAnswer }>,
  ).map(([url, a]) => [url, { identity: decode(a.identity), gzip: a.gzip ? decode(a.gzip) : undefined }]),
);
const server = createServer((req, res) => {
  const a = answers.get(req.url ?? '');
  if (!a) {
    res.statusCode = 404;
    return void res.end();
  }
  const answer = a.gzip && req.headers['accept-encoding']?.includes('gzip') ? a.gzip : a.identity;
  res.writeHead(200, answer.headers);
  res.end(answer.body);
});
server.keepAliveTimeout = 5_000;
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  console.log(typeof addr === 'object' && addr ? addr.port : 0);
});
// Exits on SIGTERM (not killed by it), so a `--cpu-prof` run writes its profile.
process.on('SIGTERM', () => process.exit(0));
