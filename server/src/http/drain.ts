import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** A Server-Sent Events request (tRPC's `httpSubscriptionLink`, any EventSource). */
const isEventStream = (req: IncomingMessage): boolean => (req.headers.accept ?? '').includes('text/event-stream');

/**
 * What a drain needs to know of the server's traffic, so a pod being stopped exits as
 * soon as its work is done instead of at the deadline: the responses still open, and
 * which of them are event streams.
 *
 * While draining, every response says `Connection: close` — one already open when the drain
 * starts too, if its headers are not out yet — so a keep-alive client (a poller, a load
 * balancer) is moved to a new connection, which the Service sends to another pod, and the
 * socket closes after its response instead of being reused until the deadline. Event
 * streams never end by themselves: they are cut when the drain starts, and EventSource
 * reconnects (with `Last-Event-ID`, so it misses nothing) to another pod.
 */
export class DrainTracker {
  private active = false;
  private readonly open = new Set<ServerResponse>();
  private readonly streams = new Set<ServerResponse>();

  constructor(private readonly server: Server) {}

  get draining(): boolean {
    return this.active;
  }

  /** Registers a request as it arrives, before anything is written to its response. */
  track(req: IncomingMessage, res: ServerResponse): void {
    if (this.active) res.setHeader('Connection', 'close');
    this.open.add(res);
    if (isEventStream(req)) this.streams.add(res);
    res.once('close', () => {
      this.open.delete(res);
      this.streams.delete(res);
      // A response that went out with keep-alive before the drain leaves an idle socket behind.
      if (this.active) setImmediate(() => this.server.closeIdleConnections());
    });
  }

  /**
   * Starts draining: stops accepting connections, closes idle ones, cuts event streams and
   * marks open responses `Connection: close`. Resolves when every connection has closed
   * (WebSocket connections too: those are the caller's to close).
   */
  start(): Promise<void> {
    this.active = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const res of this.open) if (!res.headersSent) res.setHeader('Connection', 'close');
    for (const res of this.streams) res.destroy();
    this.server.closeIdleConnections();
    // Responses answered whole from the hot read store are not tracked (http/hot-hits.ts):
    // one finishing its write right now leaves its socket idle just after this.
    setImmediate(() => this.server.closeIdleConnections());
    return closed;
  }
}
