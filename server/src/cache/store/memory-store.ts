import type { ChangeRun } from '../../domain/change.js';
import type { EntityState } from '../../domain/entity.js';

import { decodeEntity } from './codec.js';
import { latestById } from './rows.js';
import { parseTeamField, teamField } from './team-field.js';
import {
  type CacheStore,
  type EncodedRow,
  type FenceCheck,
  GenerationGoneError,
  type GenerationMeta,
  type SwitchOutcome,
  type TeamKey,
} from './types.js';

type Generation = {
  /** Store written objects as they are (see the constructor). */
  share: boolean;
  meta: GenerationMeta;
  entities: Map<number, EntityState>;
  /** Entities per team field (`tenant\u001fteam`). */
  teams: Map<string, number>;
  /** Runs applied while the generation is built, merged into `entities` at the switch. */
  overlay: Map<number, EntityState>;
};

/**
 * The cache held in this process: what a pod serves from while Redis is away. It keeps
 * the Redis store's semantics (generations, watermark, fencing) so the rest of the pod
 * does not care which one it talks to. Entities are copied in and out, as they would be
 * by a round trip through Redis.
 */
export class MemoryStore implements CacheStore {
  readonly kind = 'memory' as const;
  private current: number | null = null;
  private readonly generations = new Map<number, Generation>();
  private readonly lock: FenceCheck | undefined;

  /**
   * `lock` is the lock whose tokens switchGeneration checks; without one no token matches.
   * `shareWrites` keeps the objects written in instead of copying them again: a pod's
   * fallback store is only ever handed objects made for it (materialised from the view, or
   * built from a change), so a second copy would only double what memory mode costs per
   * entity. Reads still hand out copies.
   */
  constructor(lock?: FenceCheck, options: { shareWrites?: boolean } = {}) {
    this.lock = lock;
    this.shareWrites = options.shareWrites ?? false;
  }

  private readonly shareWrites: boolean;

  async meta(): Promise<GenerationMeta | null> {
    const gen = this.currentGeneration();
    return gen ? { ...gen.meta } : null;
  }

  async getEntity(id: number): Promise<EntityState | null> {
    const e = this.currentGeneration()?.entities.get(id);
    return e ? { ...e } : null;
  }

  async applyChanges(run: ChangeRun, buildingGeneration?: number): Promise<number> {
    const current = this.currentGeneration();
    if (current) applyRun(current, run, (e) => put(current, e));
    if (buildingGeneration !== undefined) {
      const building = this.openGeneration(buildingGeneration);
      if (building) applyRun(building, run, (e) => putNewer(building.overlay, e));
    }
    return current?.meta.appliedChangeId ?? 0;
  }

  async beginGeneration(generation: number, appliedChangeId = 0): Promise<void> {
    if (this.current !== null && generation <= this.current) throw new GenerationGoneError(generation);
    this.generations.set(generation, {
      meta: { generation, appliedChangeId, entityCount: 0, teamCount: 0, builtAt: 0, builtBy: '', durationMs: 0 },
      entities: new Map(),
      teams: new Map(),
      overlay: new Map(),
      share: this.shareWrites,
    });
  }

  /** Decodes and writes: memory holds objects, and its own team counts. */
  writeEncodedSnapshot(generation: number, rows: EncodedRow[]): Promise<void> {
    return this.writeSnapshot(
      generation,
      rows.map((r) => decodeEntity(r.text)),
    );
  }

  async writeSnapshot(generation: number, entities: EntityState[]): Promise<void> {
    const gen = this.openGeneration(generation);
    if (!gen) throw new GenerationGoneError(generation);
    const rows = latestById(entities);
    let repeated = 0;
    for (const e of rows) if (gen.entities.has(e.id)) repeated++;
    if (repeated > 0) {
      throw new Error(`${repeated} snapshot rows repeat entities already in generation ${generation}: rebuild it`);
    }
    for (const e of rows) put(gen, e);
  }

  async switchGeneration(meta: GenerationMeta, lockToken: string | null): Promise<SwitchOutcome> {
    const { generation } = meta;
    const fenced = (): SwitchOutcome => {
      if (generation !== this.current) this.generations.delete(generation);
      return 'fenced';
    };
    if (lockToken !== null && !this.lock?.isHeld(lockToken)) return fenced();
    if (this.current !== null && generation <= this.current) return fenced();
    const next = this.generations.get(generation);
    if (!next) return 'fenced';
    const appliedChangeId = Math.max(meta.appliedChangeId, next.meta.appliedChangeId);
    const current = this.currentGeneration();
    if (current && current.meta.appliedChangeId > appliedChangeId) return 'behind';
    for (const e of next.overlay.values()) put(next, e);
    next.overlay.clear();
    next.meta = {
      ...meta,
      appliedChangeId,
      entityCount: next.entities.size,
      teamCount: next.teams.size,
    };
    // Everything older is the previous generation or a fenced or crashed build.
    for (const g of this.generations.keys()) if (g < generation) this.generations.delete(g);
    this.current = generation;
    return 'switched';
  }

  async listTeam(key: TeamKey): Promise<EntityState[]> {
    const gen = this.currentGeneration();
    if (!gen) return [];
    const out: EntityState[] = [];
    for (const e of gen.entities.values()) {
      if (e.tenantName === key.tenantName && e.teamName === key.teamName) out.push({ ...e });
    }
    return out.sort((a, b) => a.id - b.id);
  }

  async listTeams(): Promise<TeamKey[]> {
    return [...(this.currentGeneration()?.teams.keys() ?? [])].map(parseTeamField);
  }

  async scan(
    onBatch: (entities: EntityState[]) => void | Promise<void>,
    batchSize = 1000,
  ): Promise<GenerationMeta | null> {
    const gen = this.currentGeneration();
    if (!gen) return null;
    const meta = { ...gen.meta };
    let batch: EntityState[] = [];
    for (const e of gen.entities.values()) {
      batch.push({ ...e });
      if (batch.length >= batchSize) {
        await onBatch(batch);
        batch = [];
        if (this.current !== meta.generation) throw new GenerationGoneError(meta.generation);
      }
    }
    if (batch.length > 0) await onBatch(batch);
    return meta;
  }

  async counts(): Promise<{ entities: number; teams: number }> {
    const gen = this.currentGeneration();
    return { entities: gen?.entities.size ?? 0, teams: gen?.teams.size ?? 0 };
  }

  /** Drops every generation and, like the Redis store's clear, the lock and its fence. */
  async clear(): Promise<void> {
    this.generations.clear();
    this.current = null;
    this.lock?.reset();
  }

  private currentGeneration(): Generation | undefined {
    return this.current === null ? undefined : this.generations.get(this.current);
  }

  /** A generation being built: begun, not fenced, not yet (or no longer) current. */
  private openGeneration(generation: number): Generation | undefined {
    if (this.current !== null && generation <= this.current) return undefined;
    return this.generations.get(generation);
  }
}

function put(gen: Generation, e: EntityState): void {
  const stored = gen.entities.get(e.id);
  if (stored && stored.version >= e.version) return;
  gen.entities.set(e.id, gen.share ? e : { ...e });
  if (!stored) {
    const field = teamField(e.tenantName, e.teamName);
    gen.teams.set(field, (gen.teams.get(field) ?? 0) + 1);
    gen.meta.entityCount = gen.entities.size;
    gen.meta.teamCount = gen.teams.size;
  }
}

function putNewer(map: Map<number, EntityState>, e: EntityState): void {
  const stored = map.get(e.id);
  if (!stored || stored.version < e.version) map.set(e.id, { ...e });
}

function applyRun(gen: Generation, run: ChangeRun, write: (e: EntityState) => void): void {
  for (const e of run.entities) write(e);
  const wm = gen.meta.appliedChangeId;
  if (run.fromId <= wm + 1 && run.toId > wm) gen.meta.appliedChangeId = run.toId;
}
