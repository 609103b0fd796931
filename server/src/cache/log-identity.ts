import type { Logger } from 'pino';
import { ensureEpoch, mintEpoch, readEpoch, readIdentity } from '../changelog/epoch.js';
import type { ChangeFeed } from '../changelog/feed.js';
import type { Sql } from '../db/sql.js';
import type { LogChange } from '../domain/change.js';
import type { GenerationMeta } from './store/types.js';

/** How a Redis generation relates to this pod's change log. */
export type Verdict = 'current' | 'foreign' | 'restored';

export type LogIdentityDeps = {
  sql: Sql;
  log: Logger;
  feed: ChangeFeed;
  /** The log was replaced and `epoch` is the log's epoch now: reload everything built from the old one. */
  onReplaced: (epoch: string, reason: string) => Promise<void>;
};

/**
 * The change log's identity (its epoch) as this pod holds it, and the detection of a
 * replaced log. A database restored from a backup brings its old epoch back, so a restore
 * is detected from the data: a change id this pod already holds with other contents, the
 * log's head below what this pod or Redis already applied. Then a new epoch is minted
 * (once across pods: the conditional update in changelog/epoch.ts) and `onReplaced`
 * reloads. Evidence that only says "another pod knows a newer epoch" (a message or a
 * Redis generation of another epoch) is checked against PostgreSQL and adopted, never
 * minted over, so pods cannot keep minting over each other.
 */
export class LogIdentity {
  private current: string | null = null;
  private replacing: Promise<void> | null = null;
  private verifiedAt = 0;

  constructor(private readonly d: LogIdentityDeps) {}

  /** The epoch this pod serves (null before `load`). */
  get epoch(): string | null {
    return this.current;
  }

  /** Reads (on a database's first start, mints) the log's epoch. */
  async load(): Promise<string> {
    this.current = await ensureEpoch(this.d.sql);
    return this.current;
  }

  /**
   * Takes the epoch of the Redis generation a pod loaded while PostgreSQL could not be
   * asked (no-op once an epoch is known). `verify`, once PostgreSQL answers, adopts the
   * log's own epoch and reloads if it differs.
   */
  assume(epoch: string): void {
    this.current ??= epoch;
  }

  /** Judges Redis's current generation against this log whose newest change id is `head`. */
  judge(meta: GenerationMeta, head: number): Verdict {
    if (!meta.epoch || meta.epoch !== this.current) return 'foreign';
    // A watermark only ever advances to committed ids: ahead of the head means the log went back.
    return meta.appliedChangeId > head ? 'restored' : 'current';
  }

  /**
   * Compares changes of this pod's epoch that arrived as messages (own commits, pub/sub)
   * with the copies the replay ring holds: the same id with another received-at or
   * entity means the id was handed out again, so the log was replaced.
   */
  checkReuse(changes: readonly LogChange[]): void {
    for (const c of changes) {
      const held = this.d.feed.at(c.id);
      if (!held) continue;
      if (held.receivedAt !== c.receivedAt || held.entityId !== c.entityId)
        void this.replaced(`change ${c.id} was handed out again with other contents`).catch((err) =>
          this.d.log.error({ err }, 'could not reload after the change log was replaced; the identity check retries'),
        );
      return;
    }
  }

  /**
   * Cheap periodic check against PostgreSQL: an epoch minted by another pod is adopted; a
   * head below `applied` (changes this pod delivered are gone) means a restore. Resolves
   * to the head it read (the caller may catch up to it).
   */
  async verify(applied: number): Promise<number> {
    const { epoch, head } = await readIdentity(this.d.sql);
    if (this.replacing || this.current === null) return head;
    if (epoch !== null && epoch !== this.current) await this.replaced('another pod found the change log replaced');
    else if (head < applied) await this.replaced(`the log's head ${head} is below change ${applied} this pod applied`);
    return head;
  }

  /** `verify`, at most once a second: for evidence that may repeat with every message. */
  verifySoon(applied: number): void {
    if (Date.now() - this.verifiedAt < 1_000) return;
    this.verifiedAt = Date.now();
    void this.verify(applied).catch((err) => this.d.log.debug({ err }, 'log identity check failed'));
  }

  /**
   * The log was replaced: adopt the epoch another pod minted for it, or mint one, then
   * reload (`onReplaced`). One at a time; a call while one runs joins it.
   */
  replaced(reason: string): Promise<void> {
    this.replacing ??= this.replace(reason).finally(() => {
      this.replacing = null;
    });
    return this.replacing;
  }

  private async replace(reason: string): Promise<void> {
    const old = this.current;
    const inDb = await readEpoch(this.d.sql);
    const next = inDb !== null && inDb !== old ? inDb : await mintEpoch(this.d.sql, old ?? '', reason);
    this.d.log.warn(
      { reason, from: old, to: next },
      'change log replaced: reloading the view and rebuilding the cache',
    );
    this.current = next;
    await this.d.onReplaced(next, reason);
  }
}
