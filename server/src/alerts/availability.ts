/**
 * Ingest availability as stale rules need it (`EvaluationContext.ingestUnavailableSince`,
 * `ingestBackAt`), learned from the database gate's `available` (whether the pod's last query
 * reached PostgreSQL: ingest writes there, so without it nothing can be observed).
 * `sample` is called every second on every pod (not only the evaluator's), so a pod that wins
 * the evaluation lease after an outage already knows when ingest came back.
 */
export class IngestAvailability {
  unavailableSince: number | null = null;
  backAt: number | null = null;

  /** Records the gate's answer at `now` (epoch ms). Up at start counts as never unavailable. */
  sample(available: boolean, now: number): void {
    if (!available && this.unavailableSince === null) this.unavailableSince = now;
    else if (available && this.unavailableSince !== null) {
      this.unavailableSince = null;
      this.backAt = now;
    }
  }

  /** Samples `available()` every `everyMs` until the returned stop is called. */
  watch(available: () => boolean, everyMs = 1_000): () => void {
    this.sample(available(), Date.now());
    const timer = setInterval(() => this.sample(available(), Date.now()), everyMs);
    timer.unref();
    return () => clearInterval(timer);
  }
}
