import type { ChangeRun } from '../../domain/change.js';

import type { EntityState } from '../../domain/entity.js';

/** What a generation knows about itself. */
export type GenerationMeta = {
  generation: number;
  /** Every change with id <= appliedChangeId is reflected in this generation. */
  appliedChangeId: number;
  entityCount: number;
  teamCount: number;
  builtAt: number;
  builtBy: string;
  durationMs: number;
  /**
   * Epoch of the change log the generation was built from (see changelog/epoch.ts); null
   * or absent for a generation of unknown log (built before epochs existed).
   */
  epoch?: string | null;
};

export type SwitchOutcome =
  /** The generation is now current. */
  | 'switched'
  /** A newer generation was switched in (or fenced) meanwhile: this one is discarded. */
  | 'fenced'
  /** The current generation has applied changes the new one has not: catch up and retry. */
  | 'behind';

/** An entity id and its state already in the codec's form (see codec.ts). */
export type EncodedRow = { id: number; text: string };

export type TeamKey = { tenantName: string; teamName: string };

/**
 * The shared cache. Two implementations (Redis, memory) pass one contract suite.
 * Writes only ever move an entity forward: a state with a version not newer than the
 * stored one is ignored, so replays and races are harmless.
 */
export interface CacheStore {
  readonly kind: 'redis' | 'memory';
  /** Meta of the current generation, or null when no snapshot was ever switched in. */
  meta(): Promise<GenerationMeta | null>;
  /** One entity of the current generation by its id, or null (no such entity, or no generation). */
  getEntity(id: number): Promise<EntityState | null>;
  /**
   * Applies a run to the current generation and, when given, to a generation being
   * built. Each entity is written only if its version is newer than the stored one.
   * The watermark advances to toId only when fromId <= watermark + 1 (no gap).
   * Returns the current generation's watermark afterwards (0 when there is none).
   */
  applyChanges(run: ChangeRun, buildingGeneration?: number): Promise<number>;
  /**
   * Drops any leftovers of `generation` and opens it for building. `appliedChangeId` is the
   * change id the snapshot about to be written reflects: it starts the generation's
   * watermark, which runs applied while it is built then advance contiguously.
   * Runs and snapshot rows for a generation that was never begun (or was discarded) are
   * not stored, so a late write cannot resurrect a dropped generation.
   * Throws GenerationGoneError when `generation` is not newer than the current one.
   */
  beginGeneration(generation: number, appliedChangeId?: number): Promise<void>;
  /**
   * Writes snapshot rows into a generation being built, as plain writes (the fast path of
   * a refresh). Runs applied to the generation meanwhile are kept apart and merged at the
   * switch, newest version winning, so snapshot rows and runs may arrive in any order.
   * Each entity goes into a generation's snapshot once (within one call the newest
   * version of a repeated id is kept); a row repeating an entity of an earlier call is an
   * error. After any failed call the generation is incomplete: begin a new one.
   * Throws GenerationGoneError when the generation is not open for building (never begun,
   * fenced, or already switched out).
   */
  writeSnapshot(generation: number, entities: EntityState[]): Promise<void>;
  /**
   * The same for rows already encoded (a refresh has PostgreSQL encode them), with the
   * entity count per team field (`tenant\u001fteam`) of these rows.
   */
  writeEncodedSnapshot(generation: number, rows: EncodedRow[], teamCounts: ReadonlyMap<string, number>): Promise<void>;
  /**
   * Atomically makes `meta.generation` current and deletes the previous generation (and
   * any abandoned one between the two). Outcomes, checked in this order:
   * - 'fenced' when `lockToken` is not null and is not the refresh lock's current value,
   *   or when the current generation is not older, or when the generation is not open
   *   for building (never begun, or dropped); the fenced generation is dropped;
   * - 'behind' when the current generation's watermark is above the new one's and both
   *   are of the same change log (epoch; see GenerationMeta.epoch); nothing changes, so
   *   the caller applies the missing runs and tries again;
   * - 'switched' otherwise.
   * The new generation's watermark is the larger of `meta.appliedChangeId` and what runs
   * advanced it to; entityCount and teamCount are what the generation holds (the
   * values in `meta` are ignored).
   */
  switchGeneration(meta: GenerationMeta, lockToken: string | null): Promise<SwitchOutcome>;
  /** Entities of one team in the current generation, by ascending id. */
  listTeam(key: TeamKey): Promise<EntityState[]>;
  /** Every team that has entities in the current generation (no order promised). */
  listTeams(): Promise<TeamKey[]>;
  /**
   * Streams the current generation in batches (for loading a pod's view) and resolves to
   * the meta read before the first batch (null when there is no generation), whose
   * watermark tells the caller where to resume the change log. If that generation is
   * switched out mid-stream it rejects with GenerationGoneError: the caller drops what it
   * received and scans again, so it never keeps a mix of two generations.
   */
  scan(onBatch: (entities: EntityState[]) => void | Promise<void>, batchSize?: number): Promise<GenerationMeta | null>;
  /** Entities and teams in the current generation (0 and 0 when there is none). */
  counts(): Promise<{ entities: number; teams: number }>;
  /** Removes every key of this cache (tests and operators). */
  clear(): Promise<void>;
}

/**
 * What the memory store needs of its refresh lock: whether a token holds it now (the
 * switch is fenced by it), and a reset that also clears the fence (its `clear()`).
 */
export type FenceCheck = { isHeld(token: string): boolean; reset(): void };

/** The generation an operation worked on was switched out or discarded meanwhile. */
export class GenerationGoneError extends Error {
  constructor(readonly generation: number) {
    super(`cache generation ${generation} is no longer available`);
    this.name = 'GenerationGoneError';
  }
}
