/**
 * A subscription's event serialised once for every subscriber that receives it: its
 * tracked id and its value as JSON text. The WebSocket encoder (http/ws-frames.ts) puts
 * `json` into each message as is; any other serialiser (the SSE link, JSON.stringify)
 * calls `toJSON`, which gives the value itself, so every transport sends the same thing.
 */
export class SharedEvent {
  constructor(
    readonly id: string,
    readonly json: string,
    private readonly value: () => unknown,
  ) {}

  toJSON(): unknown {
    return this.value();
  }
}

/**
 * Sends one event straight to a subscriber's socket, framed as its subscription's data
 * message; false when the socket no longer takes messages (closing, or dropped for not
 * reading), after which nothing more should be sent.
 */
export type EventSender = (event: SharedEvent) => boolean;

/**
 * The first live event of a WebSocket subscription, carrying the way to hand the rest
 * over: the connection's encoder sends `event` as usual and calls `attach` with a sender
 * for this subscription's later events (http/trpc-ws.ts). From then on the stream sends
 * each event as it comes instead of yielding it through the adapter's per-value loop.
 */
export class LiveHandoff {
  constructor(
    readonly event: SharedEvent,
    readonly attach: (send: EventSender) => void,
  ) {}

  toJSON(): unknown {
    return this.event.toJSON();
  }
}
