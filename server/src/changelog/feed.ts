import type { LogChange } from '../domain/change.js';

/** Recent changes kept in memory so most reconnecting subscribers resume without a query. */
const RING_SIZE = 20_000;

/** In-order fan-out of delivered changes to this pod's subscribers, with a replay ring. */
export class ChangeFeed {
  private ring: LogChange[] = [];
  private readonly listeners = new Set<(changes: LogChange[]) => void>();

  get subscriberCount(): number {
    return this.listeners.size;
  }

  push(changes: LogChange[]): void {
    if (changes.length === 0) return;
    this.ring.push(...changes);
    if (this.ring.length > RING_SIZE * 1.5) this.ring = this.ring.slice(-RING_SIZE);
    for (const l of this.listeners) l(changes);
  }

  /** Fills an empty ring with the log's tail (contiguous, ascending), without notifying anyone. */
  prime(changes: LogChange[]): void {
    if (this.ring.length === 0) this.ring = changes.slice();
  }

  /** Changes after `lastId` if the ring still covers them, else null (read the log instead). */
  since(lastId: number, limit: number): LogChange[] | null {
    const first = this.ring[0];
    if (!first || first.id > lastId + 1) return null;
    const start = lastId + 1 - first.id;
    return this.ring.slice(start, start + limit);
  }

  /** The whole ring, oldest first (read-only use). */
  recent(): readonly LogChange[] {
    return this.ring;
  }

  subscribe(listener: (changes: LogChange[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
