/**
 * The outside client of bench/fanout.bench.ts, a process of its own (so its event loop is
 * not the pods' nor the bench's): WebSocket subscribers speaking the tRPC WebSocket protocol
 * (`subscription` to `cache.onChange`, as wsLink sends it) with raw `ws`, which keeps the
 * client's own cost per message small: it only timestamps each message on arrival, and reads
 * them after the measurement. It also sends the POSTs, so send and arrival times share a clock.
 *
 * Driven over IPC by the parent, one command at a time, each answered with one message:
 * - `{ cmd: 'connect', urls, n }`: n subscribers, round-robin over the urls, each started → `{ connected }`
 * - `{ cmd: 'measure', post, changes, gapMs, tag }`: POSTs `changes` updates one after the other
 *   (`gapMs` apart), then waits until every subscriber has every one → latency figures
 * - `{ cmd: 'close' }`: closes every socket, then exits.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

type Sub = { ws: WebSocket; at: number[]; texts: Buffer[] };
type Command =
  | { cmd: 'connect'; urls: string[]; n: number }
  | { cmd: 'measure'; post: string; changes: number; gapMs: number; tag: string }
  | { cmd: 'close' };

const subs: Sub[] = [];
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const SUBSCRIBE = JSON.stringify({ id: 1, method: 'subscription', params: { path: 'cache.onChange', input: {} } });

/** Opens one subscriber and resolves once the pod answered `started`. */
function open(url: string): Promise<Sub> {
  return new Promise((resolve, reject) => {
    // The pods' messages are checked after the run (each is parsed for its id and name), not on arrival.
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/trpc`, {
      perMessageDeflate: false,
      skipUTF8Validation: true,
    });
    const sub: Sub = { ws, at: [], texts: [] };
    let started = false;
    ws.on('open', () => ws.send(SUBSCRIBE));
    ws.on('message', (data: Buffer) => {
      const now = performance.now();
      if (started && data.length > 4) {
        sub.at.push(now);
        sub.texts.push(data);
        return;
      }
      const text = data.toString();
      if (text === 'PING') return ws.send('PONG');
      if (!started) {
        if (text.includes('"started"')) {
          started = true;
          resolve(sub);
        } else reject(new Error(`subscription not started: ${text.slice(0, 200)}`));
        return;
      }
      sub.at.push(now);
      sub.texts.push(data);
    });
    ws.on('error', reject);
  });
}

async function connect(urls: string[], n: number): Promise<void> {
  // 200 handshakes in flight at a time: a burst of thousands only measures the listen backlog.
  for (let i = 0; i < n; i += 200) {
    const batch = Array.from({ length: Math.min(200, n - i) }, (_, j) => open(urls[(i + j) % urls.length] as string));
    subs.push(...(await Promise.all(batch)));
  }
}

function post(url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const pct = (sorted: number[], p: number) =>
  sorted.length
    ? (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number)
    : Number.NaN;

async function measure(c: Extract<Command, { cmd: 'measure' }>) {
  for (const s of subs) {
    s.at = [];
    s.texts = [];
  }
  const sentAt = new Map<string, number>();
  const statuses: number[] = [];
  for (let i = 0; i < c.changes; i++) {
    const name = `fanout_${c.tag}_${i}`;
    const body = JSON.stringify({
      entityName: name,
      entityType: 'table',
      teamName: 'Fan-out',
      tenantName: 'Bench',
      currentSla: 90 + (i % 10),
      status: i % 2 ? 'Passed' : 'AtRisk',
    });
    sentAt.set(name, performance.now());
    statuses.push(await post(c.post, body));
    await new Promise((r) => setTimeout(r, c.gapMs));
  }
  const until = Date.now() + 30_000;
  while (Date.now() < until && subs.some((s) => s.texts.length < c.changes))
    await new Promise((r) => setTimeout(r, 50));
  const latencies: number[] = [];
  let missing = 0;
  let outOfOrder = 0;
  let foreign = 0;
  for (const s of subs) {
    missing += Math.max(0, c.changes - s.texts.length);
    let lastId = 0;
    s.texts.forEach((data, i) => {
      const text = data.toString();
      const name = /"entityName":"([^"]+)"/.exec(text)?.[1] ?? '';
      const id = Number(/"id":"[^":]*:(\d+)"/.exec(text)?.[1] ?? Number.NaN);
      const sent = sentAt.get(name);
      if (sent === undefined) foreign++;
      else latencies.push((s.at[i] as number) - sent);
      if (!(id > lastId)) outOfOrder++;
      lastId = id;
    });
  }
  latencies.sort((a, b) => a - b);
  const r1 = (x: number) => Math.round(x * 10) / 10;
  return {
    subscribers: subs.length,
    changes: c.changes,
    deliveries: latencies.length,
    missing,
    outOfOrder,
    foreign,
    postStatuses: [...new Set(statuses)],
    p50: r1(pct(latencies, 50)),
    p90: r1(pct(latencies, 90)),
    p99: r1(pct(latencies, 99)),
    max: r1(latencies.at(-1) ?? Number.NaN),
  };
}

process.on('message', async (c: Command) => {
  try {
    if (c.cmd === 'connect') {
      await connect(c.urls, c.n);
      process.send?.({ connected: subs.length });
    } else if (c.cmd === 'measure') process.send?.(await measure(c));
    else {
      for (const s of subs) s.ws.terminate();
      process.send?.({ closed: true }, () => process.exit(0));
    }
  } catch (err) {
    process.send?.({ error: String((err as Error).stack ?? err) });
  }
});
process.send?.({ ready: true });
