/**
 * The baseline of the hot-reads bench: a bare `node:http` server answering fixed bytes per
 * URL (the bytes the pod sent), compressed ones to `Accept-Encoding: gzip` requests when it
 * was given them. Runs as its own process: `node bare-server.js <answers.json>`; prints its
 * port. answers.json: `{ "<url>": { "identity": "<base64>", "gzip": "<base64>" } }`.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

type Stored = { identity: string; gzip?: string };
const file = process.argv[2];
if (!file) throw new Error('usage: bare-server <answers.json>');
const answers = new Map(
  Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, Stored>).map(([url, a]) => [
    url,
    { identity: Buffer.from(a.identity, 'base64'), gzip: a.gzip ? Buffer.from(a.gzip, 'base64') : undefined },
  ]),
);
const server = createServer((req, res) => {
  const a = answers.get(req.url ?? '');
  if (!a) {
    res.statusCode = 404;
    return void res.end();
  }
  const gz = a.gzip && req.headers['accept-encoding']?.includes('gzip');
  res.setHeader('Content-Type', 'application/json');
  if (gz) res.setHeader('Content-Encoding', 'gzip');
  const body = gz ? (a.gzip as Buffer) : a.identity;
  res.setHeader('Content-Length', body.length);
  res.end(body);
});
server.keepAliveTimeout = 5_000;
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  console.log(typeof addr === 'object' && addr ? addr.port : 0);
});
