import WebSocket from 'ws';
import { eventually } from '../../support/app.js';

type DataMessage = { id: number; result?: { type: string; id?: string; data?: { id: string; data: { id: number } } } };

export type RawSubscriber = {
  ws: WebSocket;
  /** Change ids in arrival order. */
  ids: number[];
  /** The tracked id (`<epoch>:<id>`) of the last change received. */
  lastEventId(): string | undefined;
  /** The close code and reason, once the connection closed. */
  closed: { code: number; reason: string } | null;
  /** Stops reading from the socket (the pod's messages pile up), and starts again. */
  pause(): void;
  resume(): void;
  waitForCount(n: number, ms?: number): Promise<void>;
  close(): void;
};

/**
 * A `cache.onChange` subscriber speaking the tRPC WebSocket protocol with raw `ws`, so a
 * test can stop reading its socket and see the close code, which wsLink hides.
 */
export async function rawSubscriber(url: string, input: { lastEventId?: string } = {}): Promise<RawSubscriber> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/trpc`);
  const tracked: string[] = [];
  const socket = () => (ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
  const s: RawSubscriber = {
    ws,
    ids: [],
    lastEventId: () => tracked.at(-1),
    closed: null,
    pause: () => socket().pause(),
    resume: () => socket().resume(),
    waitForCount: (n, ms = 30_000) => eventually(() => s.ids.length >= n, ms, `${n} changes (have ${s.ids.length})`),
    close: () => ws.close(),
  };
  let started!: () => void;
  let failed!: (e: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    started = resolve;
    failed = reject;
  });
  ws.on('message', (data) => {
    const text = data.toString();
    if (text === 'PING') return ws.send('PONG');
    const m = JSON.parse(text) as DataMessage;
    if (m.result?.type === 'started') return started();
    if (m.result?.type !== 'data' || !m.result.data) return failed(new Error(`unexpected message ${text}`));
    tracked.push(m.result.data.id);
    s.ids.push(m.result.data.data.id);
  });
  ws.on('close', (code, reason) => {
    s.closed = { code, reason: reason.toString() };
  });
  ws.on('error', failed);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  ws.send(JSON.stringify({ id: 1, method: 'subscription', params: { path: 'cache.onChange', input } }));
  await ready;
  return s;
}
