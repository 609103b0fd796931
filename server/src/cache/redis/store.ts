import type { ChangeRun } from '../../domain/change.js';
import type { EntityState } from '../../domain/entity.js';
import { bucketOf, type Dictionary, dictionaryOf, LAYOUT_VERSION } from '../store/packed.js';
import { latestById } from '../store/rows.js';
import { parseTeamField } from '../store/team-field.js';
import {
  type CacheStore,
  type EncodedRow,
  GenerationGoneError,
  type GenerationMeta,
  type SwitchOutcome,
  type TeamKey,
} from '../store/types.js';
import { droppedOf, finishArgs, internedStrings, unlinkBuckets, writeBuckets } from './buckets.js';
import { keyPrefixOf, mastersOf, type RedisClient } from './client.js';
import { type CacheScripts, defineCacheScripts } from './commands.js';
import { DictionaryCopy } from './dictionary.js';
import { currentOnly, GenerationScripts, switchGenerations } from './generation-scripts.js';
import { type CacheKeys, cacheKeys, DEFAULT_KEY_PREFIX, prefixPattern } from './keys.js';
import { type GenerationReader, type Head, listTeamOf, parseHead, scanInBatches, strings } from './scan.js';
import {
  DEFAULT_SNAPSHOT_OPTIONS,
  type SnapshotOptions,
  type SnapshotWriter,
  writeEncodedRows,
  writeSnapshotRows,
} from './snapshot.js';

export type RedisStoreOptions = { snapshot?: Partial<SnapshotOptions> };

type WriteTarget = { generation: string; nonce: string };
/** Where a run goes: the current generation (or ''), the targets with their nonces, the ids to pack with. */
type WritePlan = { current: string; targets: WriteTarget[]; dict: Dictionary };

/**
 * The shared cache in Redis, in the bucketed layout of keys.ts (layout version
 * LAYOUT_VERSION). Coordination is one script on the `{cache}` slot per step; entities are
 * written one script per bucket key, so no command spans two slots. A reader sees a
 * generation's entities only while that generation is current (see scan.ts).
 */
export class RedisStore implements CacheStore {
  readonly kind = 'redis' as const;
  readonly keys: CacheKeys;
  private readonly scripts: CacheScripts;
  private readonly snapshotOptions: SnapshotOptions;
  private readonly dictionary: DictionaryCopy;
  private readonly reader: GenerationReader;
  private readonly generations: GenerationScripts;
  private readonly writer: SnapshotWriter;

  /** `prefix` starts every key and channel (default `sla:`). */
  constructor(
    private readonly redis: RedisClient,
    prefix: string = DEFAULT_KEY_PREFIX,
    options: RedisStoreOptions = {},
  ) {
    // Bucket keys are built from script replies, which ioredis does not prefix.
    if (keyPrefixOf(redis)) throw new Error('RedisStore builds its own keys: use a client without keyPrefix');
    this.keys = cacheKeys(prefix);
    this.scripts = defineCacheScripts(redis);
    this.generations = new GenerationScripts(redis, this.keys);
    this.writer = { redis, scripts: this.scripts, keys: this.keys, generations: this.generations };
    this.snapshotOptions = { ...DEFAULT_SNAPSHOT_OPTIONS, ...options.snapshot };
    this.dictionary = new DictionaryCopy(redis, this.keys.dict);
    this.reader = {
      head: () => this.head(),
      buckets: async (head) => {
        await this.dictionary.reload();
        return strings(await this.redis.smembers(this.keys.buckets(head.meta.generation))).map(Number);
      },
      read: (head, buckets) => this.readBuckets(head, buckets),
    };
  }

  /** The current generation of this layout and its nonce, or null. */
  private async head(): Promise<Head | null> {
    const reply = await this.generations.call(this.scripts.meta, [], currentOnly, [LAYOUT_VERSION, '0']);
    if (!Array.isArray(reply)) return null;
    const [generation, fields] = reply as unknown[];
    return parseHead(Number(generation), fields);
  }

  /** Whether `head` is still the current generation (same number, same nonce). */
  private async stillCurrent(head: Head): Promise<boolean> {
    const now = await this.head();
    return now !== null && now.meta.generation === head.meta.generation && now.nonce === head.nonce;
  }

  /** Bulk read: one HGETALL per bucket, all in flight, then a check that `head` is still current. */
  private async readBuckets(head: Head, buckets: readonly number[]): Promise<EntityState[] | null> {
    const g = head.meta.generation;
    const replies = await Promise.all(buckets.map((n) => this.redis.hgetall(this.keys.bucket(n, g, head.nonce))));
    if (!(await this.stillCurrent(head))) return null;
    const out: EntityState[] = [];
    for (const reply of replies) {
      for (const [id, text] of Object.entries(reply)) out.push(await this.dictionary.unpack(Number(id), text));
    }
    return out;
  }

  async meta(): Promise<GenerationMeta | null> {
    return (await this.head())?.meta ?? null;
  }

  /**
   * Two reads (the head, then the bucket); a miss is confirmed against the head, since a
   * switch between the two deletes the buckets read. Throws GenerationGoneError when
   * generations keep switching under it (five times).
   */
  async getEntity(id: number): Promise<EntityState | null> {
    let generation = 0;
    for (let attempt = 0; attempt < 5; attempt++) {
      const head = await this.head();
      if (!head) return null;
      generation = head.meta.generation;
      const text = await this.redis.hget(this.keys.bucket(bucketOf(id), generation, head.nonce), String(id));
      if (text !== null) return this.dictionary.unpack(id, text);
      if (await this.stillCurrent(head)) return null;
    }
    throw new GenerationGoneError(generation);
  }

  /**
   * Two round trips in the common case: one bucketWrite.lua per bucket of the current
   * generation (and of the one being built), then finish.lua per generation (counts,
   * watermark). The nonces naming the buckets and the dictionary ids come from prepare.lua,
   * remembered until a finish reports the generation gone (then its freshly written buckets
   * are unlinked and the run is written again after a new prepare) or a name is new.
   */
  async applyChanges(run: ChangeRun, buildingGeneration?: number): Promise<number> {
    const rows = latestById(run.entities);
    const names = internedStrings(rows);
    const building = buildingGeneration === undefined ? '' : String(buildingGeneration);
    let plan = this.remembered(names, building) ?? (await this.prepare(names, building));
    for (let attempt = 0; ; attempt++) {
      const result = await this.writeRun(plan, rows, run);
      if (result !== 'stale' || attempt >= 2) return result === 'stale' ? 0 : result;
      plan = await this.prepare(names, building);
    }
  }

  /** What the last prepare told, for writes: generation → nonce, and name → dictionary id. */
  private readonly writeState = { current: '', nonces: new Map<string, string>(), ids: new Map<string, number>() };

  /** The targets and ids of a run from what prepare told before, or null when something is unknown. */
  private remembered(names: readonly string[], building: string): WritePlan | null {
    const { current, nonces, ids } = this.writeState;
    if (!current || (building && !nonces.has(building)) || names.some((n) => !ids.has(n))) return null;
    const targets = [{ generation: current, nonce: nonces.get(current) ?? '' }];
    if (building) targets.push({ generation: building, nonce: nonces.get(building) ?? '' });
    return { current, targets: targets.filter((t) => t.nonce), dict: dictionaryOf(ids) };
  }

  /** prepare.lua: the current and building generations' nonces, and the names' ids (interned if new). */
  private async prepare(names: readonly string[], building: string): Promise<WritePlan> {
    const reply = (await this.generations.call(
      this.scripts.prepare,
      [this.keys.dict],
      () => (building ? [building] : []),
      [LAYOUT_VERSION, building, ...names],
    )) as unknown[];
    const [current = '', curNonce = '', buildingNonce = ''] = reply.slice(0, 3).map(String);
    const state = this.writeState;
    // Another generation (or a cleared cache): ids remembered before may be stale.
    if (current !== state.current) {
      state.ids.clear();
      state.nonces.clear();
    }
    state.current = current && curNonce ? current : '';
    if (state.current) state.nonces.set(current, curNonce);
    if (building && buildingNonce) state.nonces.set(building, buildingNonce);
    names.forEach((n, i) => {
      state.ids.set(n, Number(reply[3 + i]));
    });
    const targets: WriteTarget[] = [];
    if (state.current) targets.push({ generation: current, nonce: curNonce });
    if (building && buildingNonce) targets.push({ generation: building, nonce: buildingNonce });
    return { current: state.current, targets, dict: dictionaryOf(state.ids) };
  }

  /** Writes a run into each target; 'stale' when a target turned out gone (its buckets are unlinked). */
  private async writeRun(plan: WritePlan, rows: readonly EntityState[], run: ChangeRun): Promise<number | 'stale'> {
    let result = 0;
    let stale = false;
    await Promise.all(
      plan.targets.map(async (target) => {
        const write = await writeBuckets(this.scripts, this.keys, target, rows, plan.dict, 'run', 64);
        const argv = [LAYOUT_VERSION, target.generation, target.nonce, run.fromId, run.toId, ...finishArgs(write)];
        const wm = Number(await this.generations.call(this.scripts.finish, [], () => [target.generation], argv));
        if (wm < 0) {
          stale = true;
          this.writeState.nonces.delete(target.generation);
          if (target.generation === this.writeState.current) this.writeState.current = '';
          await unlinkBuckets(this.redis, this.keys, [{ ...target, buckets: write.buckets }]);
        } else if (target.generation === plan.current) result = wm;
      }),
    );
    return stale ? 'stale' : result;
  }

  async beginGeneration(generation: number, appliedChangeId = 0): Promise<void> {
    const nonce = Math.random().toString(36).slice(2, 8);
    const reply = (await this.generations.call(this.scripts.begin, [], () => [generation], [
      LAYOUT_VERSION,
      generation,
      appliedChangeId,
      nonce,
    ])) as unknown[];
    await unlinkBuckets(this.redis, this.keys, droppedOf(reply.slice(1)));
    if (Number(reply[0]) !== 1) throw new GenerationGoneError(generation);
  }

  /**
   * See writeEncodedRows. The team counts are ignored: the buckets report which rows are new
   * to the generation, and only those are counted (a run may have written an entity first).
   */
  writeEncodedSnapshot(
    generation: number,
    rows: EncodedRow[],
    _teamCounts: ReadonlyMap<string, number>,
  ): Promise<void> {
    return writeEncodedRows(this.writer, generation, rows, this.snapshotOptions);
  }

  /** See writeSnapshotRows. */
  writeSnapshot(generation: number, entities: EntityState[]): Promise<void> {
    return writeSnapshotRows(this.writer, generation, entities, this.snapshotOptions);
  }

  async switchGeneration(meta: GenerationMeta, lockToken: string | null): Promise<SwitchOutcome> {
    const reply = (await this.generations.call(
      this.scripts.switch,
      [this.keys.lock],
      switchGenerations(meta.generation),
      [
        LAYOUT_VERSION,
        meta.generation,
        meta.appliedChangeId,
        meta.builtAt,
        meta.builtBy,
        meta.durationMs,
        lockToken === null ? '0' : '1',
        lockToken ?? '',
        meta.epoch ?? '',
      ],
    )) as unknown[];
    await unlinkBuckets(this.redis, this.keys, droppedOf(reply.slice(1)));
    const outcome = reply[0];
    if (outcome === 'switched') this.generations.remember(meta.generation);
    if (outcome === 'switched' || outcome === 'fenced' || outcome === 'behind') return outcome;
    throw new Error(`unexpected switch reply ${String(outcome)}`);
  }

  /** Scans the whole generation (an operator and test path: pods read their own view). */
  listTeam(key: TeamKey): Promise<EntityState[]> {
    return listTeamOf(this.reader, key);
  }

  async listTeams(): Promise<TeamKey[]> {
    const reply = await this.generations.call(this.scripts.meta, [], currentOnly, [LAYOUT_VERSION, '1']);
    return Array.isArray(reply) ? strings(reply[2]).map(parseTeamField) : [];
  }

  scan(onBatch: (entities: EntityState[]) => void | Promise<void>, batchSize = 1000): Promise<GenerationMeta | null> {
    return scanInBatches(this.reader, onBatch, batchSize);
  }

  /** From the current generation's meta, which finish.lua and switch.lua keep counted. */
  async counts(): Promise<{ entities: number; teams: number }> {
    const meta = await this.meta();
    return { entities: meta?.entityCount ?? 0, teams: meta?.teamCount ?? 0 };
  }

  async clear(): Promise<void> {
    const pattern = prefixPattern(this.keys.prefix);
    // SCAN sees one node's keys: a cluster is scanned master by master.
    for (const node of mastersOf(this.redis)) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        // One key a command: the keys live in many slots.
        await Promise.all(keys.map((k) => this.redis.unlink(k)));
        cursor = next;
      } while (cursor !== '0');
    }
  }
}
