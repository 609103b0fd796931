import WebSocket from 'ws';

/**
 * A minimal client of the Node inspector protocol (Chrome DevTools Protocol over a WebSocket)
 * for a pod started with `--inspect=127.0.0.1:0`. Only what the soak needs: force a full GC
 * and read the V8 heap's use. `chrome-remote-interface` would do the same with a dependency
 * more; `ws` is already the server's WebSocket library.
 */
export class Inspector {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string } };
      const waiter = msg.id === undefined ? undefined : this.pending.get(msg.id);
      if (!waiter || msg.id === undefined) return;
      this.pending.delete(msg.id);
      if (msg.error) waiter.reject(new Error(msg.error.message));
      else waiter.resolve(msg.result);
    });
    socket.on('close', () => {
      for (const w of this.pending.values()) w.reject(new Error('inspector socket closed'));
      this.pending.clear();
    });
  }

  /** Connects to `ws://host:port/uuid` (the URL the process prints); rejects after `timeoutMs`. */
  static connect(url: string, timeoutMs = 5_000): Promise<Inspector> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { handshakeTimeout: timeoutMs });
      socket.once('open', () => resolve(new Inspector(socket)));
      socket.once('error', reject);
    });
  }

  /** Sends one protocol command and resolves with its result; rejects on a protocol error or after `timeoutMs`. */
  call<T = unknown>(method: string, params: Record<string, unknown> = {}, timeoutMs = 30_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  close(): void {
    this.socket.close();
  }
}

/** The inspector WebSocket URL a process printed on stderr ("Debugger listening on ws://…"), or null. */
export function inspectorUrl(output: string): string | null {
  return /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1] ?? null;
}
