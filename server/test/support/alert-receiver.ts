import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import type { AlertMessage, DeliveryResult, SendFn } from '../../src/alerts/types.js';

/** What the receiver does with its n-th request (from 1): answer a status, or hold it open until closed. */
export type Answer = number | 'hang';

export type ReceivedMessage = { message: AlertMessage; sender: string | undefined; at: number; answered: Answer };

/** A webhook receiver for tests: a real `node:http` server that records every message. */
export type Receiver = {
  url: string;
  received: ReceivedMessage[];
  /** Most requests it ever held at once. */
  maxInFlight(): number;
  /** Resolves when `n` requests have arrived. */
  waitFor(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
};

/** Starts a receiver on a free loopback port; `answer(n)` decides the n-th request's fate. */
export async function startReceiver(answer: (n: number) => Answer = () => 200): Promise<Receiver> {
  const received: ReceivedMessage[] = [];
  let inFlight = 0;
  let max = 0;
  const waiters: (() => void)[] = [];
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    inFlight += 1;
    max = Math.max(max, inFlight);
    res.on('close', () => (inFlight -= 1));
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const fate = answer(received.length + 1);
    const sender = req.headers['x-sender'];
    received.push({
      message: JSON.parse(Buffer.concat(chunks).toString('utf8')) as AlertMessage,
      sender: typeof sender === 'string' ? sender : undefined,
      at: Date.now(),
      answered: fate,
    });
    for (const w of waiters.splice(0)) w();
    if (fate === 'hang') return;
    res.writeHead(fate, { 'content-type': 'text/plain' }).end(String(fate));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    maxInFlight: () => max,
    async waitFor(n, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      while (received.length < n) {
        if (Date.now() > until) throw new Error(`receiver got ${received.length} of ${n} requests in time`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 100).unref();
        });
      }
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close').catch(() => undefined);
    },
  };
}

/**
 * A minimal webhook send for tests (the product's channels live elsewhere): POSTs the
 * message as JSON with a timeout; 5xx, 429 and network failures are retryable.
 */
export function httpSend(url: string, timeoutMs: number, sender?: string): SendFn {
  return async (_channel, message, signal): Promise<DeliveryResult> => {
    const started = performance.now();
    const took = () => performance.now() - started;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(sender ? { 'x-sender': sender } : {}) },
        body: JSON.stringify(message),
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      });
      await res.arrayBuffer();
      const retryable = res.status >= 500 || res.status === 429;
      return {
        ok: res.ok,
        status: res.status,
        error: res.ok ? null : `HTTP ${res.status}`,
        retryable,
        durationMs: took(),
      };
    } catch (err) {
      const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      return { ok: false, status: null, error, retryable: true, durationMs: took() };
    }
  };
}

/**
 * What a receiver that de-duplicates by delivery id ends up with: each delivery id's
 * changes once, in the order first received. Also checks a resend carried the same changes.
 */
export function deduplicated(receiver: Receiver): { fingerprint: string; sequence: number; state: string }[] {
  const seen = new Map<string, string>();
  const out: { fingerprint: string; sequence: number; state: string }[] = [];
  for (const { message } of receiver.received) {
    const body = JSON.stringify(message.changes);
    const earlier = seen.get(message.deliveryId);
    if (earlier !== undefined) {
      expect(body).toBe(earlier);
      continue;
    }
    seen.set(message.deliveryId, body);
    for (const c of message.changes) out.push({ fingerprint: c.fingerprint, sequence: c.sequence, state: c.state });
  }
  return out;
}
