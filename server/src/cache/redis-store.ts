import type { Redis } from 'ioredis';
import { decodeEntity } from './codec.js';
import { type CacheKeys, cacheKeys, DEFAULT_KEY_PREFIX, parseTeamField, prefixPattern } from './keys.js';
import { type CacheScripts, defineCacheScripts, encodeRows } from './redis-scripts.js';
import {
  type CachedEntity,
  type CacheStore,
  type ChangeRun,
  GenerationGoneError,
  type GenerationMeta,
  type SwitchOutcome,
  type TeamKey,
} from './types.js';

export type RedisStoreOptions = {
  /** Entities per snapshot script call; 1,000 keeps each call near a millisecond. */
  snapshotChunk?: number;
  /** Snapshot calls in flight at once: deep enough to hide round trips, shallow enough
   * that the last reply arrives well inside the client's command timeout. */
  snapshotWindow?: number;
};

/**
 * The shared cache in Redis. Each operation is one Lua script, so a reader sees a
 * generation before or after any write, never half of one (see redis-scripts.ts).
 */
export class RedisStore implements CacheStore {
  readonly kind = 'redis' as const;
  readonly keys: CacheKeys;
  private readonly scripts: CacheScripts;
  private readonly snapshotChunk: number;
  private readonly snapshotWindow: number;

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
    this.snapshotChunk = options.snapshotChunk ?? 1000;
    this.snapshotWindow = options.snapshotWindow ?? 32;
  }

  async meta(): Promise<GenerationMeta | null> {
    const reply = await this.scripts.meta([this.keys.current], [this.keys.base]);
    if (!Array.isArray(reply)) return null;
    const [generation, fields] = reply as unknown[];
    return parseMeta(Number(generation), fields);
  }

  async getEntity(id: number): Promise<CachedEntity | null> {
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

  async writeSnapshot(generation: number, entities: CachedEntity[]): Promise<void> {
    const chunks: CachedEntity[][] = [];
    for (let i = 0; i < entities.length; i += this.snapshotChunk) {
      chunks.push(entities.slice(i, i + this.snapshotChunk));
    }
    const head = [this.keys.base, String(generation)];
    await inWindow(chunks, this.snapshotWindow, async (chunk) => {
      const added = await this.scripts.snapshot([this.keys.current], head.concat(encodeRows(chunk)));
      if (Number(added) < 0) throw new GenerationGoneError(generation);
    });
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
      ],
    );
    if (reply === 'switched' || reply === 'fenced' || reply === 'behind') return reply;
    throw new Error(`unexpected switch reply ${String(reply)}`);
  }

  /** Scans the whole generation (an operator and test path: pods read their own view). */
  async listTeam(key: TeamKey): Promise<CachedEntity[]> {
    // The encoding starts `[version,id,"tenant","team",`: match after the second comma.
    const marker = `${JSON.stringify(key.tenantName)},${JSON.stringify(key.teamName)},`;
    const byId = new Map<number, CachedEntity>();
    await this.restartingScan(
      (values) => {
        for (const value of values) {
          const at = value.indexOf(',', value.indexOf(',') + 1) + 1;
          if (!value.startsWith(marker, at)) continue;
          const e = decodeEntity(value);
          const seen = byId.get(e.id);
          if (!seen || seen.version < e.version) byId.set(e.id, e);
        }
      },
      () => {
        byId.clear();
        return true;
      },
      1000,
    );
    return [...byId.values()].sort((a, b) => a.id - b.id);
  }

  async listTeams(): Promise<TeamKey[]> {
    const reply = await this.scripts.teams([this.keys.current], [this.keys.base]);
    return strings(reply).map(parseTeamField);
  }

  async scan(
    onBatch: (entities: CachedEntity[]) => void | Promise<void>,
    batchSize = 1000,
  ): Promise<GenerationMeta | null> {
    // HSCAN may return an entry twice while the hash resizes; the first copy is enough
    // since the caller catches up from the change log after the meta's watermark.
    let seen = new Set<number>();
    let pending: CachedEntity[] = [];
    let delivered = false;
    // COUNT is only a hint to HSCAN, so pages are re-cut to the asked size.
    const flush = async (all: boolean) => {
      while (pending.length >= batchSize || (all && pending.length > 0)) {
        const batch = pending.slice(0, batchSize);
        pending = pending.slice(batchSize);
        delivered = true;
        await onBatch(batch);
      }
    };
    const meta = await this.restartingScan(
      async (values) => {
        for (const value of values) {
          const e = decodeEntity(value);
          if (seen.has(e.id)) continue;
          seen.add(e.id);
          pending.push(e);
        }
        await flush(false);
      },
      () => {
        seen = new Set();
        pending = [];
        return !delivered;
      },
      batchSize,
    );
    await flush(true);
    return meta;
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

  /**
   * HSCANs the current generation page by page; each page is read by a script that first
   * checks the generation is still current. When it was switched out, `onRestart` decides
   * whether to start over on the new one (true) or to give up with GenerationGoneError.
   */
  private async restartingScan(
    onValues: (values: string[]) => void | Promise<void>,
    onRestart: () => boolean,
    count: number,
  ): Promise<GenerationMeta | null> {
    for (let attempt = 0; ; attempt++) {
      const meta = await this.meta();
      if (!meta) return null;
      const gen = String(meta.generation);
      let cursor = '0';
      let gone = false;
      do {
        const page = await this.scripts.page([this.keys.current], [this.keys.base, gen, cursor, count]);
        if (!Array.isArray(page)) {
          gone = true;
          break;
        }
        const [next, flat] = page as unknown[];
        cursor = String(next);
        const values = strings(flat).filter((_, i) => i % 2 === 1);
        await onValues(values);
      } while (cursor !== '0');
      if (!gone) return meta;
      if (!onRestart() || attempt >= 5) throw new GenerationGoneError(meta.generation);
    }
  }
}

function strings(reply: unknown): string[] {
  if (!Array.isArray(reply) || !reply.every((v): v is string => typeof v === 'string')) {
    throw new Error('unexpected Redis reply: expected an array of strings');
  }
  return reply;
}

function parseMeta(generation: number, reply: unknown): GenerationMeta | null {
  const flat = strings(reply);
  if (flat.length === 0) return null;
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) f.set(flat[i] as string, flat[i + 1] as string);
  const num = (name: string) => Number(f.get(name) ?? 0);
  return {
    generation,
    appliedChangeId: num('appliedChangeId'),
    entityCount: num('entityCount'),
    teamCount: num('teamCount'),
    builtAt: num('builtAt'),
    builtBy: f.get('builtBy') ?? '',
    durationMs: num('durationMs'),
  };
}

/** Runs `task` over `items` with at most `limit` in flight; rejects on the first failure. */
async function inWindow<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++] as T;
      try {
        await task(item);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
