import type { EntityState } from '../../domain/entity.js';
import { type Dictionary, dictionaryOf, unpackEntity } from '../store/packed.js';
import type { RedisClient } from './client.js';

/**
 * A reader's copy of the interned names (`<prefix>{cache}:dict`, see lua/intern.lua): one
 * HGETALL of a small hash, read again when a value names an id the copy lacks. Writers
 * never use it: they take their ids from Redis in the same script that checks the
 * generation, so a copy gone stale (after `clear()`) cannot mislabel a write.
 */
export class DictionaryCopy {
  private dict: Dictionary = dictionaryOf([]);

  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
  ) {}

  /** Reads the whole dictionary again. */
  async reload(): Promise<void> {
    const flat = await this.redis.hgetall(this.key);
    const pairs: [string, number][] = [];
    for (const [field, value] of Object.entries(flat)) {
      if (field.startsWith('s:')) pairs.push([field.slice(2), Number(value)]);
    }
    this.dict = dictionaryOf(pairs);
  }

  /** Unpacks with the copy, reading the dictionary again once if the value names an unknown id. */
  async unpack(id: number, text: string): Promise<EntityState> {
    try {
      return unpackEntity(id, text, this.dict);
    } catch {
      await this.reload();
      return unpackEntity(id, text, this.dict);
    }
  }

  /** Unpacks with the copy as it is (throws on an unknown id; see unpackEntity). */
  unpackNow(id: number, text: string): EntityState {
    return unpackEntity(id, text, this.dict);
  }
}
