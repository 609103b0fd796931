import type { Logger } from 'pino';
import { verifiedTx } from '../db/commit-outcome.js';
import type { Sql, Tx } from '../db/sql.js';
import { type LogRun, toLogChange } from '../domain/change.js';
import { type Fate, type ItemResult, type Submission, writeSubmissions } from './transaction.js';

export type { ItemResult, Submission } from './transaction.js';

/** A submission's answer; `replayed` when it is the remembered answer of an earlier request with its Idempotency-Key. */
export type SubmitResult = { results: ItemResult[]; replayed: boolean };

type Unit = Submission & {
  resolve: (r: SubmitResult) => void;
  reject: (e: unknown) => void;
};

/** Updates written per transaction at most; larger queues are drained in several. */
const MAX_ITEMS_PER_TX = 2_000;

/**
 * Group commit: every request's updates join a queue that one loop drains, writing all
 * queued units in one transaction. Under load this turns thousands of single-update
 * requests into a few transactions per second, and it keeps one writer per pod queued
 * on the change-order lock instead of the whole connection pool.
 */
export class IngestWriter {
  private queue: Unit[] = [];
  private running = false;
  /** Committed runs whose requests wait for the commit hook. */
  private publishing = 0;
  /** Transactions written or being verified (a lost COMMIT answer is verified in the background). */
  private inFlight = 0;

  constructor(
    private readonly db: { tx: Tx; sql: Sql },
    /**
     * Hears every committed run before its requests are answered; the answers wait for the
     * promise (the cache bounds that wait), the next transaction does not.
     */
    private readonly onCommitted: (run: LogRun) => Promise<unknown>,
    private readonly log: Logger,
    /** How long an Idempotency-Key's answer is remembered, in ms. */
    private readonly idempotencyTtlMs: number,
  ) {}

  /**
   * Queues one request's updates; resolves once they are committed (or answered from an
   * earlier request with the same Idempotency-Key).
   * @throws AppError UNPROCESSABLE (key reused for another request); the database's error when
   *   nothing was written; CommitOutcomeUnknown when the commit's fate could not be learned.
   */
  submit(submission: Submission): Promise<SubmitResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ...submission, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  /** Resolves once nothing is queued, being written or waiting to be answered (graceful shutdown). */
  async idle(): Promise<void> {
    while (this.running || this.queue.length > 0 || this.publishing > 0 || this.inFlight > 0)
      await new Promise((r) => setTimeout(r, 10));
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const units = this.take();
        let moveOn: () => void = () => undefined;
        const uncertain = new Promise<void>((resolve) => {
          moveOn = resolve;
        });
        this.inFlight++;
        const done = this.writeAndSettle(units, moveOn).finally(() => {
          this.inFlight--;
        });
        // Waits for the transaction, not for the verdict on a lost COMMIT answer: that takes up
        // to seconds, and the requests queued meanwhile get their own transaction (and answer).
        await Promise.race([done, uncertain]);
      }
    } finally {
      this.running = false;
    }
  }

  private async writeAndSettle(units: Unit[], onUncertain: () => void): Promise<void> {
    try {
      this.settleAfter(units, await this.write(units, onUncertain));
    } catch (err) {
      if (units.length > 1 && isDataError(err)) {
        // One unit's data broke the shared transaction: write each alone so the others still land.
        for (const u of units) await this.write([u]).then((w) => this.settleAfter([u], w), u.reject);
      } else for (const u of units) u.reject(err);
    }
  }

  private take(): Unit[] {
    const units: Unit[] = [];
    let n = 0;
    while (
      this.queue.length > 0 &&
      (units.length === 0 || n + (this.queue[0]?.updates.length ?? 0) <= MAX_ITEMS_PER_TX)
    ) {
      const u = this.queue.shift() as Unit;
      n += u.updates.length;
      units.push(u);
    }
    return units;
  }

  /** Answers the units once the commit hook is done with their run; the loop goes on meanwhile. */
  private settleAfter(units: Unit[], w: { fates: Fate[]; published: Promise<void> }): void {
    this.publishing++;
    void w.published.then(() => {
      this.publishing--;
      for (const [i, u] of units.entries()) {
        const fate = w.fates[i] as Fate;
        if (fate.kind === 'refused') u.reject(fate.error);
        else u.resolve({ results: fate.results, replayed: fate.kind === 'replayed' });
      }
    });
  }

  private async write(units: Unit[], onUncertain?: () => void): Promise<{ fates: Fate[]; published: Promise<void> }> {
    const { fates, run } = await verifiedTx(
      this.db,
      (sql, tx) => writeSubmissions(sql, tx, units, Date.now, this.idempotencyTtlMs),
      { onUncertain },
    );
    const logRun: LogRun = { fromId: run.fromId, toId: run.toId, changes: run.changes.map(toLogChange) };
    const published =
      run.changes.length === 0
        ? Promise.resolve()
        : Promise.resolve()
            .then(() => this.onCommitted(logRun))
            .then(
              () => undefined,
              (err) => this.log.error({ err }, 'post-commit hook failed; the change log will catch up'),
            );
    return { fates, published };
  }
}

/** PostgreSQL data exceptions (class 22) and integrity violations (class 23). */
function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}
