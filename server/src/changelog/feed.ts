import type { LogChange } from '../domain/change.js';

/** Recent changes kept in memory so most reconnecting subscribers resume without a query. */
const RING_SIZE = 20_000;

/** The ids the ring holds without a hole: every change with fromId <= id <= toId. */
export type RingWindow = { fromId: number; toId: number };

/**
 * In-order fan-out of delivered changes to this pod's subscribers, with a replay ring.
 *
 * The ring is only ever trusted for what it verifiably holds: it starts empty and
 * unprimed (covering nothing, so callers read the log), `prime` anchors it at a log
 * position, and every push must continue it id by id. A push that does not (a hole:
 * something delivered out of turn) restarts the ring at the pushed changes, so a reader
 * asking for the ids before them is told "not covered" and goes to the log instead of
 * silently skipping the hole.
 */
export class ChangeFeed {
  private ring: LogChange[] = [];
  /** Id of the newest change the ring accounts for; null until primed. */
  private head: number | null = null;
  private readonly listeners = new Set<(changes: LogChange[]) => void>();
  private holes = 0;

  get subscriberCount(): number {
    return this.listeners.size;
  }

  /** How many times a push did not continue the ring (each time it restarted). */
  get holesSeen(): number {
    return this.holes;
  }

  /**
   * Appends delivered changes (ascending ids) and notifies subscribers. Before `prime`
   * the ring keeps nothing.
   */
  push(changes: LogChange[]): void {
    if (changes.length === 0) return;
    if (this.head !== null) this.append(changes);
    for (const l of this.listeners) l(changes);
  }

  /**
   * Anchors the ring at log position `head` with the log's tail up to it (ascending,
   * ending at `head`; empty when the log is). Only the contiguous part that ends at
   * `head` is kept. Notifies no one. Re-priming replaces whatever the ring held.
   */
  prime(changes: readonly LogChange[], head: number): void {
    this.head = head;
    let start = changes.length;
    for (let expect = head; start > 0 && changes[start - 1]?.id === expect; expect--) start--;
    this.ring = changes.slice(start);
  }

  /**
   * Forgets everything (the log was replaced): covers nothing until primed again.
   * Subscribers hear an empty push, so a waiting stream wakes up and sees why.
   */
  reset(): void {
    this.ring = [];
    this.head = null;
    for (const l of this.listeners) l([]);
  }

  /** The ids the ring holds without a hole, or null when it covers none (not primed). */
  window(): RingWindow | null {
    if (this.head === null) return null;
    const first = this.ring[0];
    const last = this.ring.at(-1);
    if (!first || !last) return { fromId: this.head + 1, toId: this.head };
    // Ids only ever increase in the ring, so a span as long as the ring means no hole.
    if (last.id !== this.head || last.id - first.id + 1 !== this.ring.length) return null;
    return { fromId: first.id, toId: last.id };
  }

  /**
   * Up to `limit` changes after `lastId` (ascending) when the ring holds every change
   * from `lastId + 1` on; [] when `lastId` is at or past the ring's newest change; null
   * when it does not cover them (read the log instead).
   */
  since(lastId: number, limit: number): LogChange[] | null {
    const w = this.window();
    if (!w || lastId + 1 < w.fromId) return null;
    if (lastId >= w.toId) return [];
    const start = lastId + 1 - w.fromId;
    const page = this.ring.slice(start, start + limit);
    return page[0]?.id === lastId + 1 ? page : null;
  }

  /** The change with this id when the ring holds it, else null. */
  at(id: number): LogChange | null {
    const w = this.window();
    if (!w || id < w.fromId || id > w.toId) return null;
    return this.ring[id - w.fromId] ?? null;
  }

  /** The ring's changes, oldest first, and the window they cover (null: covers nothing). */
  recent(): { changes: readonly LogChange[]; window: RingWindow | null } {
    const window = this.window();
    return { changes: window ? this.ring : [], window };
  }

  /** `listener` hears each push (and an empty one on reset); returns the unsubscribe function. */
  subscribe(listener: (changes: LogChange[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private append(changes: LogChange[]): void {
    let next = (this.head as number) + 1;
    let from = 0;
    for (let i = 0; i < changes.length; i++) {
      const id = (changes[i] as LogChange).id;
      if (id === next) {
        next++;
        continue;
      }
      if (id < next && i === from) {
        // Already held (a repeat): skip it.
        from = i + 1;
        continue;
      }
      // A hole: what came before cannot be joined to what follows.
      this.holes++;
      this.ring = [];
      from = i;
      next = id + 1;
    }
    const fresh = from === 0 ? changes : changes.slice(from);
    if (fresh.length > 0) {
      this.ring.push(...fresh);
      this.head = next - 1;
    }
    if (this.ring.length > RING_SIZE * 1.5) this.ring = this.ring.slice(-RING_SIZE);
  }
}
