import type { StateCheck } from '../domain/checksum.js';

/** How many recent change ids keep a checkpoint (3 typed arrays of this length: ≈ 1 MB). */
const CHECKPOINTS = 65_536;

export type CheckResult = 'match' | 'mismatch' | 'skipped';

/**
 * The view's entity count and checksum after each of the last 65,536 delivered change ids,
 * so a pod can compare its view with a refresh's snapshot taken at a change id it has
 * already passed (the announcement arrives after the snapshot was read and written).
 * A ring indexed by change id: an id overwritten by a later one reads as unknown.
 */
export class ViewCheckpoints {
  private readonly ids = new Float64Array(CHECKPOINTS).fill(-1);
  private readonly entities = new Uint32Array(CHECKPOINTS);
  private readonly sums = new Uint32Array(CHECKPOINTS);

  /** The view holds `entities` entities with checksum `checksum` once change `changeId` is applied. */
  record(changeId: number, entities: number, checksum: number): void {
    const slot = changeId % CHECKPOINTS;
    this.ids[slot] = changeId;
    this.entities[slot] = entities;
    this.sums[slot] = checksum;
  }

  /** Forgets every checkpoint (the view is reloaded). */
  clear(): void {
    this.ids.fill(-1);
  }

  /**
   * Compares the checkpoint at `check.changeId` with the check: `skipped` when there is
   * none (the view was loaded after it, or it is too old), else match or mismatch.
   */
  judge(check: StateCheck): CheckResult {
    const slot = check.changeId % CHECKPOINTS;
    if (this.ids[slot] !== check.changeId) return 'skipped';
    return this.entities[slot] === check.entities && this.sums[slot] === check.checksum ? 'match' : 'mismatch';
  }
}
