import type { Logger } from 'pino';
import type { LogChange, LogRun } from '../domain/change.js';

/** How long an out-of-order run may wait for the runs before it before we read the log. */
const GAP_WAIT_MS = 50;
const PAGE = 5_000;

/**
 * Delivers the change log to this pod exactly once and in order. Runs arrive from this
 * pod's own commits, from pub/sub (at-most-once, any order across pods) and from reading
 * PostgreSQL; since change ids are gapless commit order, a run that does not start right
 * after the last delivered id reveals a gap, which is filled from the log.
 */
export class ChangeFollower {
  applied = 0;
  private readonly pending = new Map<number, LogRun>();
  private catching: Promise<void> | null = null;
  private gapTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly read: (afterId: number, limit: number) => Promise<LogChange[]>,
    private readonly deliver: (run: LogRun) => void,
    private readonly log: Logger,
  ) {}

  offer(run: LogRun): void {
    if (run.toId <= this.applied) return;
    if (run.fromId > this.applied + 1) {
      this.pending.set(run.fromId, run);
      this.gapTimer ??= setTimeout(() => {
        this.gapTimer = null;
        // A failed read (PostgreSQL away) is retried by the next offer or the poll.
        this.catchUp().catch((err) =>
          this.log.debug({ err: (err as Error).message }, 'gap catch-up failed; will retry'),
        );
      }, GAP_WAIT_MS);
      return;
    }
    this.take(run);
    this.drainPending();
  }

  /** Reads everything after the last delivered id from the log (gaps, reconnects, polling). */
  catchUp(): Promise<void> {
    this.catching ??= this.readAll().finally(() => {
      this.catching = null;
    });
    return this.catching;
  }

  stop(): void {
    if (this.gapTimer) clearTimeout(this.gapTimer);
    this.gapTimer = null;
  }

  private async readAll(): Promise<void> {
    for (;;) {
      const changes = await this.read(this.applied, PAGE);
      const first = changes[0];
      const last = changes.at(-1);
      if (!first || !last) return;
      this.offer({ fromId: first.id, toId: last.id, changes });
      if (changes.length < PAGE) return;
    }
  }

  private take(run: LogRun): void {
    const changes = run.fromId > this.applied ? run.changes : run.changes.filter((c) => c.id > this.applied);
    const from = this.applied + 1;
    this.applied = run.toId;
    try {
      this.deliver({ fromId: from, toId: run.toId, changes });
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
          this.take(run);
          progressed = true;
        }
      }
    }
  }
}
