import type { LogChange } from '../domain/change.js';
import type { RedisClient } from './redis/client.js';
import { tailKeys } from './redis/keys.js';
import { defineScripts, type Script } from './redis/scripts.js';
import { changeIdOfStreamId, decodeTailEntry, encodeTailEntry, tailStreamId } from './tail-entry.js';

/** The ids the tail holds without a hole: every change with from <= id <= last (0, 0: none). */
export type TailWindow = { from: number; last: number };

/** A tail of a log nobody appends to any more is dropped after a week. */
const TTL_SECONDS = 7 * 86_400;
/** Entries per append call when refilling (bounds one script's ARGV). */
const APPEND_CHUNK = 2_000;

type StreamEntry = [id: string, fields: string[]];

/**
 * The change tail in Redis: the newest committed changes of the current log epoch (about
 * `size` of them, `XADD … MAXLEN ~`), appended by the write-through after the entity write,
 * read by catch-up (follower, resuming subscribers) and recent changes before they go to
 * PostgreSQL. Only the span recorded as contiguous (`window`) is ever answered from; reads
 * below it return null and the caller reads the log. `epoch()` names the log (null: none
 * known yet, every read is null). Every method rejects when Redis does.
 */
export class ChangeTail {
  private readonly script: Script;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly epoch: () => string | null,
    private readonly size: number,
  ) {
    this.script = defineScripts(redis, ['tailAppend'] as const).tailAppend;
  }

  /**
   * Appends changes (ascending ids) to the tail of `epoch`; ids at or below its last one are
   * skipped, so repeats and a late append of an older run are harmless. `reset` empties it first.
   */
  async append(epoch: string, changes: readonly LogChange[], reset = false): Promise<TailWindow> {
    const k = tailKeys(this.prefix, epoch);
    const argv: (string | number)[] = [this.size, reset ? '1' : '0', TTL_SECONDS];
    for (const c of changes) argv.push(c.id, encodeTailEntry(c));
    const [from, last] = (await this.script([k.stream, k.meta], argv)) as [number, number];
    return { from: Number(from), last: Number(last) };
  }

  /**
   * Replaces the tail of `epoch` with `changes` (ascending, the log's newest, e.g. read from
   * PostgreSQL after a refresh), in chunks; an append landing meanwhile only makes the
   * contiguous span start later. Resolves to the window after.
   */
  async refill(epoch: string, changes: readonly LogChange[]): Promise<TailWindow> {
    let window: TailWindow = { from: 0, last: 0 };
    for (let i = 0; i === 0 || i < changes.length; i += APPEND_CHUNK)
      window = await this.append(epoch, changes.slice(i, i + APPEND_CHUNK), i === 0);
    return window;
  }

  /**
   * Claims the refill of `epoch`'s tail for 30 s (SET NX PX): true for the one pod that
   * should read the log for it, so a fleet meeting an empty tail does not all read it.
   */
  async claimRefill(epoch: string): Promise<boolean> {
    return (await this.redis.set(tailKeys(this.prefix, epoch).refill, '1', 'PX', 30_000, 'NX')) === 'OK';
  }

  /** The contiguous span the tail of `epoch` (default: the current one) holds; null when there is none. */
  async window(epoch = this.epoch()): Promise<TailWindow | null> {
    if (!epoch) return null;
    const [from, last] = await this.redis.hmget(tailKeys(this.prefix, epoch).meta, 'from', 'last');
    if (!from || !last || Number(last) === 0) return null;
    return { from: Number(from), last: Number(last) };
  }

  /** Id of the newest change in the tail (0 when there is none). */
  async lastId(): Promise<number> {
    return (await this.window())?.last ?? 0;
  }

  /**
   * Up to `limit` changes after `afterId`, ascending, when the tail holds every one from
   * `afterId + 1` on ([] when `afterId` is at or past its newest); null when it does not.
   */
  async readAfter(afterId: number, limit: number): Promise<LogChange[] | null> {
    // One epoch for both reads: the window and the entries must be of the same tail.
    const epoch = this.epoch();
    const w = await this.window(epoch);
    if (!epoch || !w || afterId + 1 < w.from) return null;
    if (afterId >= w.last) return [];
    const entries = (await this.redis.xrange(
      tailKeys(this.prefix, epoch).stream,
      tailStreamId(afterId + 1),
      '+',
      'COUNT',
      limit,
    )) as StreamEntry[];
    const changes = decode(entries);
    // Trimmed between the two reads: not covered after all.
    return changes[0]?.id === afterId + 1 ? changes : null;
  }

  /** Up to `limit` of the newest changes, newest first, and the window (null: no tail). */
  async latest(limit: number): Promise<{ changes: LogChange[]; window: TailWindow } | null> {
    return this.newestBefore(Number.MAX_SAFE_INTEGER, limit);
  }

  /** Up to `limit` changes with id below `id`, newest first, only from the contiguous span. */
  async before(id: number, limit: number): Promise<{ changes: LogChange[]; window: TailWindow } | null> {
    return this.newestBefore(id, limit);
  }

  private async newestBefore(id: number, limit: number): Promise<{ changes: LogChange[]; window: TailWindow } | null> {
    const epoch = this.epoch();
    const window = await this.window(epoch);
    if (!epoch || !window) return null;
    const end = Math.min(id - 1, window.last);
    if (end < window.from) return { changes: [], window };
    const entries = (await this.redis.xrevrange(
      tailKeys(this.prefix, epoch).stream,
      tailStreamId(end),
      tailStreamId(window.from),
      'COUNT',
      limit,
    )) as StreamEntry[];
    const changes = decode(entries);
    // Trimmed or refilled between the two reads: the span is not what the window said.
    if (changes.some((c, i) => c.id !== end - i)) return null;
    return { changes, window };
  }
}

/** Where a read of the log was served from (the `source` label of sla_change_log_reads_total). */
export type LogSource = 'redis_tail' | 'postgres';

/**
 * Changes after `after` (ascending, up to `limit`) from the tail when it can answer, else
 * from `readLog` (PostgreSQL). The tail answers when it holds every change from `after + 1`
 * and either fills the page or reaches `target` (a change id known to be committed), or
 * `target` is `'tail'` (what the tail holds is enough). `counted` hears the source; with
 * `after` at or past a numeric `target` nothing is read.
 */
export async function readTailFirst(o: {
  tail: Pick<ChangeTail, 'readAfter'> | null;
  after: number;
  limit: number;
  target: number | 'tail' | null;
  readLog: () => Promise<LogChange[]>;
  counted: (source: LogSource) => void;
}): Promise<LogChange[]> {
  // Already there (a head this pod has reached): nothing to read anywhere.
  if (typeof o.target === 'number' && o.after >= o.target) return [];
  if (o.tail && o.target !== null) {
    const got = await o.tail.readAfter(o.after, o.limit).catch(() => null);
    const reached = got?.at(-1)?.id ?? o.after;
    if (got && (o.target === 'tail' || got.length === o.limit || reached >= o.target)) {
      o.counted('redis_tail');
      return got;
    }
  }
  o.counted('postgres');
  return o.readLog();
}

const decode = (entries: StreamEntry[]): LogChange[] =>
  entries.map(([sid, fields]) => {
    const id = changeIdOfStreamId(sid);
    return decodeTailEntry(id, fields[1] ?? '');
  });
