import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import WebSocket from 'ws';
import type { AppRouter } from '../../src/app-router.js';
import type { Pod } from './cluster.js';

const STATUSES = ['Passed', 'Failed', 'AtRisk', 'NoData'] as const;
type Status = (typeof STATUSES)[number];

/** One write the soak sent (perhaps several times, on 503 or a lost connection). */
export type Attempt = { entityName: string; currentSla: number; status: Status; observedAt?: string; at: number };
/** A write a pod acknowledged with a 2xx. */
export type Ack = Attempt & { changeId: number | null; outcome: string; pod: string };
export type Sample = { pod: string; what: string; at: number; ms: number; status: number; error?: string };

export type LoadRecord = {
  attempts: Attempt[];
  acks: Ack[];
  reads: Sample[];
  writes: Sample[];
  subscribers: { pod: string; ids: number[]; errors: string[] }[];
};

/** undici says only "fetch failed"; the cause (ECONNREFUSED, ECONNRESET, …) tells what happened. */
const describeFetchError = (err: unknown): string => {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  return e.cause ? `${e.message}: ${e.cause.code ?? e.cause.message}` : e.message;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TENANTS = ['Data Engineering', 'Analytics'];

/** The soak's entities: `writers` groups of `perWriter` names, each group written by one loop only. */
export const entityName = (writer: number, i: number) => `soak_w${writer}_e${i}`;

const updateOf = (a: Attempt, writer: number) => ({
  entityName: a.entityName,
  entityType: writer % 2 ? 'table' : 'job',
  teamName: `team_${writer}`,
  tenantName: TENANTS[writer % TENANTS.length],
  currentSla: a.currentSla,
  status: a.status,
  ...(a.observedAt ? { observedAt: a.observedAt } : {}),
});

/**
 * Writer loops (single and batch updates, with and without observedAt; a 503 or a lost
 * connection is retried with the same body, on another pod), reader loops on every pod
 * (status, entity list, recent changes) and one resuming WebSocket subscriber per pod.
 * Everything sent and answered is recorded for the checks.
 */
export class Load {
  readonly record: LoadRecord = { attempts: [], acks: [], reads: [], writes: [], subscribers: [] };
  private running = true;
  private loops: Promise<void>[] = [];
  private closers: (() => Promise<void>)[] = [];

  constructor(
    private readonly pods: Pod[],
    private readonly rand: () => number,
    private readonly opts: { writers: number; perWriter: number; pauseMs: number },
  ) {}

  start(): void {
    for (let w = 0; w < this.opts.writers; w++) this.loops.push(this.writer(w));
    for (const pod of this.pods) this.loops.push(this.reader(pod));
    for (const pod of this.pods) this.subscribe(pod);
  }

  /** Stops writers and readers (subscribers keep listening until `close`). */
  async stopTraffic(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  async close(): Promise<void> {
    this.running = false;
    await Promise.all(this.closers.map((c) => c().catch(() => undefined)));
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rand() * items.length)] as T;
  }

  /** Writer `w`: even writers send single updates, odd ones batches of 5; every third writer omits observedAt. */
  private async writer(w: number): Promise<void> {
    const batch = w % 2 === 1 ? 5 : 1;
    const withObservedAt = w % 3 !== 2;
    let i = 0;
    while (this.running) {
      const items: Attempt[] = [];
      for (let k = 0; k < batch; k++, i++) {
        const a: Attempt = {
          entityName: entityName(w, i % this.opts.perWriter),
          currentSla: Math.round(this.rand() * 10_000) / 100,
          status: this.pick(STATUSES),
          at: Date.now(),
        };
        if (withObservedAt) a.observedAt = new Date().toISOString();
        items.push(a);
      }
      this.record.attempts.push(...items);
      await this.send(w, items);
      await sleep(this.opts.pauseMs);
    }
  }

  private async send(w: number, items: Attempt[]): Promise<void> {
    const single = items.length === 1;
    const path = single ? '/api/cache/incremental-update' : '/api/cache/incremental-updates';
    const body = JSON.stringify(
      single ? updateOf(items[0] as Attempt, w) : { updates: items.map((a) => updateOf(a, w)) },
    );
    const key = `soak-${w}-${items[0]?.at}-${items[0]?.entityName}`;
    for (let attempt = 0; attempt < 40; attempt++) {
      const pod = this.pick(this.pods);
      const started = Date.now();
      try {
        const res = await fetch(`${pod.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': key },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        const json = (await res.json().catch(() => null)) as Record<string, unknown> | null;
        this.record.writes.push({
          pod: pod.name,
          what: path,
          at: started,
          ms: Date.now() - started,
          status: res.status,
        });
        if (res.ok && json) return this.acked(items, json, single, pod.name);
        if (res.status !== 503 && res.status !== 429) return;
        await sleep(Math.min(1_000, Number(res.headers.get('retry-after') ?? 1) * 1_000));
      } catch (err) {
        this.record.writes.push({
          pod: pod.name,
          what: path,
          at: started,
          ms: Date.now() - started,
          status: 0,
          error: describeFetchError(err),
        });
        await sleep(200);
      }
    }
  }

  private acked(items: Attempt[], json: Record<string, unknown>, single: boolean, pod: string): void {
    const results = (single ? [json] : (json.results as Record<string, unknown>[])) ?? [];
    results.forEach((r, k) => {
      const a = items[k];
      if (a)
        this.record.acks.push({
          ...a,
          changeId: (r.changeId as number | null) ?? null,
          outcome: String(r.outcome),
          pod,
        });
    });
  }

  private async reader(pod: Pod): Promise<void> {
    const reads = [
      ['status', '/api/cache/status'],
      ['list', `/trpc/entities.list?input=${encodeURIComponent(JSON.stringify({ limit: 50 }))}`],
      ['recent', '/api/cache/recent-changes?limit=20'],
    ] as const;
    while (this.running) {
      const [what, path] = this.pick(reads);
      const started = Date.now();
      try {
        const res = await fetch(`${pod.url}${path}`, { signal: AbortSignal.timeout(5_000) });
        await res.arrayBuffer();
        this.record.reads.push({ pod: pod.name, what, at: started, ms: Date.now() - started, status: res.status });
      } catch (err) {
        const error = describeFetchError(err);
        this.record.reads.push({ pod: pod.name, what, at: started, ms: Date.now() - started, status: 0, error });
      }
      await sleep(50 + this.rand() * 100);
    }
  }

  /** A subscriber that resumes with its last event id after every disconnect or error. */
  private subscribe(pod: Pod): void {
    const rec = { pod: pod.name, ids: [] as number[], errors: [] as string[] };
    this.record.subscribers.push(rec);
    const ws = createWSClient({
      url: `${pod.url.replace(/^http/, 'ws')}/trpc`,
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
      retryDelayMs: () => 300,
    });
    const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: ws })] });
    let lastEventId: string | undefined;
    let sub: { unsubscribe(): void } | null = null;
    let closed = false;
    const start = () => {
      sub = client.cache.onChange.subscribe(lastEventId ? { lastEventId } : {}, {
        onData: (envelope) => {
          lastEventId = envelope.id;
          rec.ids.push(envelope.data.id);
        },
        onError: (err) => {
          rec.errors.push(err.message);
          sub?.unsubscribe();
          if (!closed) setTimeout(start, 500);
        },
      });
    };
    start();
    this.closers.push(async () => {
      closed = true;
      sub?.unsubscribe();
      await ws.close();
    });
  }
}
