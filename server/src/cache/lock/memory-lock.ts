import { newToken, podOf, type RefreshLock } from './lock.js';

/**
 * The in-process lock of memory mode. Locks built on one state compete with each other
 * (pods simulated in one process); the memory store checks tokens through `isHeld`.
 */
export class MemoryLockState {
  token: string | null = null;
  expiresAt = 0;
  fence = 0;

  current(now = Date.now()): string | null {
    if (this.token !== null && now >= this.expiresAt) this.token = null;
    return this.token;
  }

  reset(): void {
    this.token = null;
    this.expiresAt = 0;
    this.fence = 0;
  }
}

/**
 * The refresh lock of memory mode (timeouts in ms, as the Redis lock's), on a shared
 * `MemoryLockState`; the memory store clears it through `reset` and checks `isHeld`.
 */
export class MemoryRefreshLock implements RefreshLock {
  constructor(
    private readonly podId: string,
    readonly state: MemoryLockState = new MemoryLockState(),
  ) {}

  /** Frees the lock and restarts its fence (clearing the memory store does this). */
  reset(): void {
    this.state.reset();
  }

  /** Whether `token` holds the lock right now (what a switch checks). */
  isHeld(token: string): boolean {
    return this.state.current() === token;
  }

  async acquire(ttlMs: number): Promise<{ token: string; fence: number } | null> {
    if (this.state.current() !== null) return null;
    const token = newToken(this.podId);
    this.state.token = token;
    this.state.expiresAt = Date.now() + ttlMs;
    this.state.fence += 1;
    return { token, fence: this.state.fence };
  }

  async renew(token: string, ttlMs: number): Promise<boolean> {
    if (!this.isHeld(token)) return false;
    this.state.expiresAt = Date.now() + ttlMs;
    return true;
  }

  async release(token: string): Promise<boolean> {
    if (!this.isHeld(token)) return false;
    this.state.token = null;
    return true;
  }

  async holder(): Promise<string | null> {
    return podOf(this.state.current());
  }
}
