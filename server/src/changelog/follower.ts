import type { Logger } from 'pino';
import type { LogChange, LogRun } from '../domain/change.js';

/** How a run reached the follower: a message (own commit, pub/sub) or a read of the log. */
export type Delivery = 'live' | 'log';

/**
 * How far a catch-up must get, which tells the reader where it may read from: a change id
 * known to be committed (a NOTIFY, a pending run, the head at start: a faster store may
 * serve it when it holds everything up to there), `'tail'` (whatever the faster store holds
 * is enough: a missed pub/sub message), or null (unknown: read the log itself, e.g. a poll).
 */
export type CatchUpTarget = number | 'tail' | null;

/** How long an out-of-order run may wait for the runs before it before we read the log. */
const GAP_WAIT_MS = 50;
const PAGE = 5_000;

/**
 * Delivers the change log to this pod exactly once and in order. Runs arrive from this
 * pod's own commits, from pub/sub (at-most-once, any order across pods) and from reading
 * PostgreSQL; since change ids are gapless commit order, a run that does not start right
 * after the last delivered id reveals a gap, which is filled from the log.
 *
 * It has no position until `start(head)` gives it one (the change id the pod's view was
 * loaded at): before that, offers and catch-ups are ignored, since reading "everything
 * after 0" would deliver the whole log over a view that is being loaded.
 */
export class ChangeFollower {
  private position: number | null = null;
  /** Counts starts and resets, so a log read begun before one is not delivered after it. */
  private incarnation = 0;
  private readonly pending = new Map<number, LogRun>();
  private catching: Promise<void> | null = null;
  private catchingTarget: CatchUpTarget = null;
  private gapTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly read: (afterId: number, limit: number, target: CatchUpTarget) => Promise<LogChange[]>,
    private readonly deliver: (run: LogRun, how: Delivery) => void,
    private readonly log: Logger,
  ) {}

  /** Id of the last delivered change (0 before `start`). */
  get applied(): number {
    return this.position ?? 0;
  }

  /** True once `start` gave the follower its position. */
  get started(): boolean {
    return this.position !== null;
  }

  /** Sets the position: every change up to `head` is already in the view. */
  start(head: number): void {
    this.pending.clear();
    this.incarnation++;
    this.position = head;
  }

  /** Forgets the position (the view is being reloaded); offers are ignored until `start`. */
  reset(): void {
    this.stop();
    this.pending.clear();
    this.incarnation++;
    this.position = null;
  }

  /** A run from a message (this pod's commit or pub/sub), in any order; gaps are read from the log. */
  offer(run: LogRun, how: Delivery = 'live'): void {
    if (this.position === null || run.toId <= this.position) return;
    if (run.fromId > this.applied + 1) {
      this.pending.set(run.fromId, run);
      this.gapTimer ??= setTimeout(() => {
        this.gapTimer = null;
        // Filled meanwhile (the missing runs arrived): nothing to read.
        const target = this.gapTarget();
        if (target === null) return;
        // A failed read (PostgreSQL away) is retried by the next offer or the poll.
        this.catchUp(target).catch((err) =>
          this.log.debug({ err: (err as Error).message }, 'gap catch-up failed; will retry'),
        );
      }, GAP_WAIT_MS);
      return;
    }
    this.take(run, how);
    this.drainPending();
  }

  /**
   * Reads everything after the last delivered id (gaps, reconnects, notifications,
   * polling), as far as `target` asks (see CatchUpTarget). Does nothing before `start`.
   * While one catch-up runs, a call joins it when it reads the log itself, else runs after it.
   */
  catchUp(target: CatchUpTarget = null): Promise<void> {
    if (this.position === null) return Promise.resolve();
    const running = this.catching;
    if (running !== null) return this.catchingTarget === null ? running : running.then(() => this.catchUp(target));
    this.catchingTarget = target;
    this.catching = this.readAll(target).finally(() => {
      this.catching = null;
    });
    return this.catching;
  }

  /** Cancels a pending gap wait (on close); a later `catchUp` still reads. */
  stop(): void {
    if (this.gapTimer) clearTimeout(this.gapTimer);
    this.gapTimer = null;
  }

  /** A gap is known to end where the first pending run starts; null when nothing is pending. */
  private gapTarget(): CatchUpTarget {
    let first = Number.POSITIVE_INFINITY;
    for (const from of this.pending.keys()) first = Math.min(first, from);
    return Number.isFinite(first) ? first - 1 : null;
  }

  private async readAll(target: CatchUpTarget): Promise<void> {
    for (;;) {
      const at = this.position;
      const incarnation = this.incarnation;
      if (at === null) return;
      const changes = await this.read(at, PAGE, target);
      const first = changes[0];
      const last = changes.at(-1);
      // Reset or restarted while reading: this page belongs to another load of the view.
      if (!first || !last || this.incarnation !== incarnation) return;
      this.offer({ fromId: first.id, toId: last.id, changes }, 'log');
      if (changes.length < PAGE) return;
    }
  }

  private take(run: LogRun, how: Delivery): void {
    const applied = this.applied;
    const changes = run.fromId > applied ? run.changes : run.changes.filter((c) => c.id > applied);
    this.position = run.toId;
    try {
      this.deliver({ fromId: applied + 1, toId: run.toId, changes }, how);
    } catch (err) {
      this.log.error({ err }, 'change delivery failed');
    }
  }

  private drainPending(): void {
    for (let progressed = true; progressed && this.pending.size > 0; ) {
      progressed = false;
      for (const [from, run] of this.pending) {
        if (run.toId <= this.applied) this.pending.delete(from);
        else if (from <= this.applied + 1) {
          this.pending.delete(from);
          this.take(run, 'live');
          progressed = true;
        }
      }
    }
  }
}
