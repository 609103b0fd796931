import type { RedisClient } from './client.js';
import type { CacheKeys } from './keys.js';
import type { Script } from './scripts.js';

type ScriptArg = string | number;

/**
 * The generations (besides the current one) whose `{cache}` keys a script may touch, given
 * the pointer it will run against ('' for none).
 */
export type Generations = (pointer: string) => readonly ScriptArg[];

/** Only the current generation. */
export const currentOnly: Generations = () => [];

/** How many generations below a new one switch.lua drops at most (it drops only the current one past that). */
export const SWITCH_DROP_SPAN = 1000;

/**
 * What switch.lua may touch when switching to `generation`: every generation from the
 * pointer (or 1) up to it when that span is at most SWITCH_DROP_SPAN, else just it (the
 * current one is always declared). Keys of generations that do not exist cost nothing.
 */
export const switchGenerations =
  (generation: number): Generations =>
  (pointer) => {
    const from = pointer === '' ? 1 : Number(pointer);
    // A switch to a generation not newer than the pointer is fenced and drops that generation.
    if (!(generation - from <= SWITCH_DROP_SPAN) || generation <= from) return [generation];
    return Array.from({ length: generation - from + 1 }, (_, i) => from + i);
  };

/** The error a generation script replies when the pointer is not the one the client sent. */
const POINTER_MOVED = /^SLA_POINTER ?(\d*)$/;

/** Attempts at a script whose pointer keeps moving under it: a switch is minutes apart. */
const MAX_ATTEMPTS = 5;

/**
 * Runs the `{cache}` generation scripts (includes/prelude.lua) with every key they touch
 * declared in KEYS, as Redis Cluster requires: the current-generation pointer, the
 * script's own keys, then the meta, teams and bucket-set keys of the current generation and
 * of the generations the script names. The pointer is remembered from the last reply, so
 * the common call is one round trip; when a script replies that the pointer moved, the
 * call is repeated with the keys of the new one.
 */
export class GenerationScripts {
  /** The pointer last seen ('' for none), or null before the first read. */
  private pointer: string | null = null;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: CacheKeys,
  ) {}

  /**
   * Runs `script` with KEYS = [pointer key, ...ownKeys, generation keys] and ARGV =
   * [expected pointer, ...argv]; resolves to its reply. Throws the script's own errors, and
   * an Error when the pointer moved on every one of MAX_ATTEMPTS attempts.
   */
  async call(
    script: Script,
    ownKeys: readonly string[],
    generations: Generations,
    argv: readonly ScriptArg[],
  ): Promise<unknown> {
    let pointer = this.pointer ?? (await this.readPointer());
    for (let attempt = 1; ; attempt++) {
      const declared = new Set([pointer, ...generations(pointer).map(String)].filter((g) => g !== ''));
      const generationKeys = [...declared].flatMap((g) => [
        this.keys.meta(g),
        this.keys.teams(g),
        this.keys.buckets(g),
      ]);
      try {
        return await script([this.keys.current, ...ownKeys, ...generationKeys], [pointer, ...argv]);
      } catch (err) {
        const moved = err instanceof Error ? POINTER_MOVED.exec(err.message) : null;
        if (!moved) throw err;
        if (attempt >= MAX_ATTEMPTS) throw new Error(`the current generation moved ${attempt} times during one call`);
        pointer = moved[1] ?? '';
        this.pointer = pointer;
      }
    }
  }

  /** Records a pointer this pod set itself (a switch), saving the next call a retry. */
  remember(pointer: number): void {
    this.pointer = String(pointer);
  }

  private async readPointer(): Promise<string> {
    const pointer = (await this.redis.get(this.keys.current)) ?? '';
    this.pointer = pointer;
    return pointer;
  }
}
