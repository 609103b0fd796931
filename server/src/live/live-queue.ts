import type { LogChange } from '../domain/change.js';
import { type EventSender, LiveHandoff, type SharedEvent } from '../trpc/shared-event.js';

/** A subscriber that falls this far behind is switched to reading the log instead of buffering. */
const MAX_QUEUE = 10_000;

/**
 * - `yield`: live changes wait in the queue for the stream to yield them;
 * - `pending`: a LiveHandoff was yielded, the encoder has not taken it yet;
 * - `direct`: the encoder took it; changes go straight to the socket as the feed delivers them;
 * - `closed`: the socket refused a send (closing, dropped): nothing more is sent.
 */
type Mode = 'yield' | 'pending' | 'direct' | 'closed';

/**
 * One subscriber's live changes as the feed delivers them (ascending ids): queued for the
 * stream to yield, or, once a LiveHandoff was taken, sent straight to the socket in the
 * feed's own call. `last` is the id of the last change accounted for (sent or filtered
 * out); a change at or below it is never sent again, whichever path it comes by.
 */
export class LiveQueue {
  queue: LogChange[] = [];
  /** More than MAX_QUEUE changes waited: they were dropped, read them from the log. */
  overflow = false;
  mode: Mode = 'yield';
  private sender: EventSender | null = null;
  /** Wakes the stream when it waits for changes (set by the stream). */
  wake: (() => void) | null = null;

  /** The newest change id the feed has delivered (or the pod's position when the queue was made). */
  private tip: number;

  /**
   * `last`: the subscriber's position; `tip`: the feed's (the pod's applied position when the
   * subscription starts; `last` when omitted).
   */
  constructor(
    public last: number,
    private readonly wanted: (c: LogChange) => boolean,
    private readonly event: (c: LogChange) => SharedEvent,
    tip = last,
  ) {
    this.tip = tip;
  }

  /**
   * The feed listener. An empty push is a reset (the log was replaced): direct sending stops and
   * the stream wakes to see why. A push that does not continue the feed id by id (ChangeFeed
   * passes on what arrives out of turn, or after the pod caught up past changes it never
   * pushed) is not sent yet: it waits in the queue while the stream reads from the log from
   * `last` on (as after an overflow), so the subscriber gets every id once rather than a hole.
   */
  readonly onChanges = (changes: LogChange[]): void => {
    if (changes.length > 0 && this.holeAt(changes)) {
      if (this.mode === 'direct') this.mode = 'yield';
      // Queued behind the replay, which reads up to the pod's position (these included or not).
      if (this.mode !== 'closed' && !this.overflow) {
        this.queue.push(...changes);
        this.overflow = true;
      }
      this.wake?.();
      return;
    }
    if (this.mode === 'direct' && changes.length > 0) {
      this.send(changes);
      return;
    }
    if (this.mode === 'direct') this.mode = 'yield';
    if (this.mode !== 'closed' && !this.overflow) {
      this.queue.push(...changes);
      if (this.queue.length > MAX_QUEUE) {
        this.overflow = true;
        this.queue = [];
      }
    }
    this.wake?.();
  };

  /** Whether `changes` (ascending) skip an id after the feed's tip or among themselves; moves the tip. */
  private holeAt(changes: readonly LogChange[]): boolean {
    const first = (changes[0] as LogChange).id;
    const end = (changes.at(-1) as LogChange).id;
    const hole = first > this.tip + 1 || end - first + 1 !== changes.length;
    this.tip = Math.max(this.tip, end);
    return hole;
  }

  /** The changes not yet accounted for, in order, as events to yield (filtered). */
  *unsent(changes: readonly LogChange[]): Generator<SharedEvent> {
    for (const c of changes) {
      if (c.id <= this.last) continue;
      this.last = c.id;
      if (this.wanted(c)) yield this.event(c);
    }
  }

  /**
   * The queued changes' first event as a LiveHandoff (the rest stay queued until the
   * encoder attaches), or null when none is wanted. Mode becomes `pending`.
   */
  handoff(): LiveHandoff | null {
    const batch = this.queue;
    this.queue = [];
    for (let i = 0; i < batch.length; i++) {
      const c = batch[i] as LogChange;
      if (c.id <= this.last) continue;
      this.last = c.id;
      if (!this.wanted(c)) continue;
      this.queue = batch.slice(i + 1);
      this.mode = 'pending';
      return new LiveHandoff(this.event(c), this.attach);
    }
    return null;
  }

  /** The subscription was stopped (or its socket closed): nothing more is sent, even before the stream itself ends. */
  stop(): void {
    this.mode = 'closed';
    this.wake?.();
  }

  /** After the hand-off was yielded: when it was not taken (the socket was closing), nothing more goes out on it. */
  handedOff(): void {
    if (this.mode === 'pending') this.mode = 'closed';
  }

  /**
   * Called by the encoder while it encodes the hand-off's own event, just before sending
   * it: what is queued goes out after that send (a microtask later, or with the next
   * delivery if that comes first). Should the queue have overflowed, the stream stays on
   * the yield path and replays from the log.
   */
  private readonly attach = (sender: EventSender): void => {
    if (this.mode !== 'pending') return;
    if (this.overflow) {
      this.mode = 'yield';
      return;
    }
    this.sender = sender;
    this.mode = 'direct';
    if (this.queue.length > 0) queueMicrotask(() => this.mode === 'direct' && this.send([]));
  };

  /** Sends what is still queued, then `changes`; stops for good at the first refused send. */
  private send(changes: readonly LogChange[]): void {
    const queued = this.queue;
    this.queue = [];
    for (const batch of [queued, changes])
      for (const event of this.unsent(batch))
        if (!this.sender?.(event)) {
          this.mode = 'closed';
          return;
        }
  }
}
