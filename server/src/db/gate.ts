import { DatabaseUnavailable, isDatabaseUnavailable } from '../platform/errors.js';
import type { Db } from './sql.js';

/** Why the gate is still closed, as the 503's cause (never shown to clients). */
class NotConnectedYet extends Error {
  constructor() {
    super('PostgreSQL has not been reached since this pod started');
    this.name = 'NotConnectedYet';
  }
}

/**
 * A `Db` a pod can hand out before PostgreSQL was ever reached: until `open` gives it the
 * real runner (connected and migrated), every query and transaction rejects at once with
 * `DatabaseUnavailable` (503 + Retry-After), exactly as they do while a connected
 * PostgreSQL is away. So the cache, reads and ingest are wired once, at start, and a pod
 * that starts during a database outage serves what needs no PostgreSQL.
 */
export class DatabaseGate implements Db {
  private live: Db | null = null;
  private readonly waiters: (() => void)[] = [];
  /** Whether the last query that finished reached PostgreSQL (see `available`). */
  private lastReached = false;
  /**
   * Set while PostgreSQL answers but refuses this pod's configuration (see `connect.ts`
   * `misconfiguration`): the error's one-line description, else null.
   */
  misconfigured: string | null = null;

  /** True once `open` was called. */
  get isOpen(): boolean {
    return this.live !== null;
  }

  /**
   * PostgreSQL as the pod's own queries last found it: false before it was reached and
   * after a query failed for want of it (unreachable or busy), until one succeeds. Asks
   * no one, so status answers stay instant; the pod's periodic reads keep it current.
   */
  get available(): boolean {
    return this.live !== null && this.lastReached;
  }

  /** Lets every call through to `db` from now on. */
  open(db: Db): void {
    this.live = db;
    this.misconfigured = null;
    this.lastReached = true;
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves once the gate is open. */
  whenOpen(): Promise<void> {
    return this.live ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }

  sql: Db['sql'] = (query, params) => this.track(async () => (await this.db()).sql(query, params));
  tx: Db['tx'] = (fn) => this.track(async () => (await this.db()).tx(fn));
  snapshotTx: Db['snapshotTx'] = (fn) => this.track(async () => (await this.db()).snapshotTx(fn));

  private async track<T>(work: () => Promise<T>): Promise<T> {
    try {
      const result = await work();
      this.lastReached = true;
      return result;
    } catch (err) {
      // Other errors (a constraint, a caller's own) say nothing new about reachability.
      if (isDatabaseUnavailable(err)) this.lastReached = false;
      throw err;
    }
  }

  /** The live runner, or a rejection (async, so a caller's `.catch` sees it like any query failure). */
  private async db(): Promise<Db> {
    if (this.live) return this.live;
    throw new DatabaseUnavailable('unreachable', new NotConnectedYet());
  }
}
