import http from 'node:http';

/** Keep-alive HTTP/1.1 connections, at most `sockets` at a time: what a poller fleet looks like to a pod. */
export const keepAliveAgent = (sockets: number) =>
  new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });

export type Reply = { status: number; body: string };

/** POSTs a JSON body (already serialised) and resolves with the status and body text. */
export function postJson(
  agent: http.Agent,
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export type LoopResult = {
  requests: number;
  ok: number;
  failed: number;
  seconds: number;
  latenciesMs: number[];
  firstError?: string;
};

/**
 * Closed loop: `clients` workers each send the next request as soon as the previous one
 * answered, for `seconds`. Counts 2xx answers and records each request's latency.
 */
export async function closedLoop(
  clients: number,
  seconds: number,
  send: (worker: number) => Promise<Reply>,
): Promise<LoopResult> {
  const result: LoopResult = { requests: 0, ok: 0, failed: 0, seconds, latenciesMs: [] };
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, w) => {
      while (performance.now() < until) {
        const t = performance.now();
        const r = await send(w).catch((err: Error) => ({ status: 0, body: err.message }));
        result.latenciesMs.push(performance.now() - t);
        result.requests++;
        if (r.status >= 200 && r.status < 300) result.ok++;
        else {
          result.failed++;
          result.firstError ??= `${r.status} ${r.body.slice(0, 200)}`;
        }
      }
    }),
  );
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

/**
 * Open loop: starts requests on a fixed schedule (`rate` per second) for `seconds`,
 * whatever the answers take, so a slow server cannot slow the offered load down.
 */
export async function openLoop(rate: number, seconds: number, send: (seq: number) => Promise<void>): Promise<void> {
  const started = performance.now();
  const total = Math.round(rate * seconds);
  const inFlight: Promise<void>[] = [];
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate) + 1);
    while (sent < due) inFlight.push(send(sent++));
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(inFlight);
}

/** The p-th percentile (0–100) of a list of numbers, by nearest rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
