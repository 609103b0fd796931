import type { Redis } from 'ioredis';
import type { ChangeRun } from '../../domain/change.js';
import type { EntityState } from '../../domain/entity.js';
import { decodeEntity } from '../store/codec.js';
import { parseTeamField } from '../store/team-field.js';
import {
  type CacheStore,
  type EncodedRow,
  GenerationGoneError,
  type GenerationMeta,
  type SwitchOutcome,
  type TeamKey,
} from '../store/types.js';
import { type CacheScripts, defineCacheScripts, encodeRows } from './commands.js';
import { type CacheKeys, cacheKeys, DEFAULT_KEY_PREFIX, prefixPattern } from './keys.js';
import { type GenerationPages, listTeamOf, parseMeta, scanInBatches, strings } from './scan.js';
import { DEFAULT_SNAPSHOT_OPTIONS, type SnapshotOptions, writeEncodedRows, writeSnapshotRows } from './snapshot.js';

export type RedisStoreOptions = { snapshot?: Partial<SnapshotOptions> };

/**
 * The shared cache in Redis. Each operation is one Lua script, so a reader sees a
 * generation before or after any write, never half of one (see commands.ts and lua/).
 */
export class RedisStore implements CacheStore {
  readonly kind = 'redis' as const;
  readonly keys: CacheKeys;
  private readonly scripts: CacheScripts;
  private readonly snapshotOptions: SnapshotOptions;
  private readonly pages: GenerationPages;

  /** `prefix` starts every key and channel (default `sla:`). */
  constructor(
    private readonly redis: Redis,
    prefix: string = DEFAULT_KEY_PREFIX,
    options: RedisStoreOptions = {},
  ) {
    // Scripts derive generation keys from ARGV, which ioredis does not prefix.
    if (redis.options.keyPrefix) throw new Error('RedisStore builds its own keys: use a client without keyPrefix');
    this.keys = cacheKeys(prefix);
    this.scripts = defineCacheScripts(redis);
    this.snapshotOptions = { ...DEFAULT_SNAPSHOT_OPTIONS, ...options.snapshot };
    this.pages = {
      meta: () => this.meta(),
      page: async (generation, cursor, count) => {
        const args = [this.keys.base, generation, cursor, count];
        const page = await this.scripts.page([this.keys.current], args);
        if (!Array.isArray(page)) return null;
        const [next, flat] = page as unknown[];
        return { cursor: String(next), values: strings(flat).filter((_, i) => i % 2 === 1) };
      },
    };
  }

  async meta(): Promise<GenerationMeta | null> {
    const reply = await this.scripts.meta([this.keys.current], [this.keys.base]);
    if (!Array.isArray(reply)) return null;
    const [generation, fields] = reply as unknown[];
    return parseMeta(Number(generation), fields);
  }

  async getEntity(id: number): Promise<EntityState | null> {
    const reply = await this.scripts.get([this.keys.current], [this.keys.base, id]);
    return typeof reply === 'string' ? decodeEntity(reply) : null;
  }

  async applyChanges(run: ChangeRun, buildingGeneration?: number): Promise<number> {
    const argv = [this.keys.base, run.fromId, run.toId, buildingGeneration ?? ''];
    return Number(await this.scripts.apply([this.keys.current], argv.concat(encodeRows(run.entities))));
  }

  async beginGeneration(generation: number, appliedChangeId = 0): Promise<void> {
    const opened = await this.scripts.begin([this.keys.current], [this.keys.base, generation, appliedChangeId]);
    if (Number(opened) !== 1) throw new GenerationGoneError(generation);
  }

  /** See writeEncodedRows. */
  writeEncodedSnapshot(generation: number, rows: EncodedRow[], teamCounts: ReadonlyMap<string, number>): Promise<void> {
    return writeEncodedRows(this.redis, this.scripts, this.keys, generation, rows, teamCounts, this.snapshotOptions);
  }

  /** See writeSnapshotRows. */
  writeSnapshot(generation: number, entities: EntityState[]): Promise<void> {
    return writeSnapshotRows(this.redis, this.scripts, this.keys, generation, entities, this.snapshotOptions);
  }

  async switchGeneration(meta: GenerationMeta, lockToken: string | null): Promise<SwitchOutcome> {
    const reply = await this.scripts.switch(
      [this.keys.current, this.keys.lock],
      [
        this.keys.base,
        meta.generation,
        meta.appliedChangeId,
        meta.builtAt,
        meta.builtBy,
        meta.durationMs,
        lockToken === null ? '0' : '1',
        lockToken ?? '',
        meta.epoch ?? '',
      ],
    );
    if (reply === 'switched' || reply === 'fenced' || reply === 'behind') return reply;
    throw new Error(`unexpected switch reply ${String(reply)}`);
  }

  /** Scans the whole generation (an operator and test path: pods read their own view). */
  listTeam(key: TeamKey): Promise<EntityState[]> {
    return listTeamOf(this.pages, key);
  }

  async listTeams(): Promise<TeamKey[]> {
    const reply = await this.scripts.teams([this.keys.current], [this.keys.base]);
    return strings(reply).map(parseTeamField);
  }

  scan(onBatch: (entities: EntityState[]) => void | Promise<void>, batchSize = 1000): Promise<GenerationMeta | null> {
    return scanInBatches(this.pages, onBatch, batchSize);
  }

  async counts(): Promise<{ entities: number; teams: number }> {
    const [entities, teams] = (await this.scripts.counts([this.keys.current], [this.keys.base])) as unknown[];
    return { entities: Number(entities), teams: Number(teams) };
  }

  async clear(): Promise<void> {
    const pattern = prefixPattern(this.keys.prefix);
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length > 0) await this.redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  }
}
