import { randomBytes } from 'node:crypto';
import type { RedisClient } from '../cache/redis/client.js';
import { budgetKeys } from '../cache/redis/keys.js';
import type { Timeline } from '../domain/budget/types.js';
import { CODEC_VERSION, decodeChunk, encodeChunk } from './codec.js';

/** Entities per chunk: a few hundred kB each, so no single command is large. */
const CHUNK_ENTITIES = 2_000;
/** Chunk writes in flight. */
const IN_FLIGHT = 16;
/** A checkpoint nobody rewrites any more (every pod gone) is dropped after a week. */
const TTL_MS = 7 * 86_400_000;
/** A replaced checkpoint's chunks stay this long, for a pod still reading them. */
const REPLACED_TTL_MS = 60_000;

/** What a checkpoint is: its log epoch, the last change id it includes, its chunks. */
export type CheckpointMeta = {
  epoch: string;
  watermark: number;
  nonce: string;
  chunks: number;
  entities: number;
  bytes: number;
  writtenAt: number;
  writtenBy: string;
};

/**
 * The budget book's checkpoint in Redis: every timeline at a watermark, packed
 * (codec.ts) in self-contained chunks written first, then the meta hash naming them
 * (so a reader sees a whole checkpoint or the previous one); the previous checkpoint's
 * chunks then expire within a minute. Every method rejects when Redis does.
 */
export class CheckpointStore {
  private readonly keys: ReturnType<typeof budgetKeys>;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.keys = budgetKeys(prefix);
  }

  async meta(): Promise<CheckpointMeta | null> {
    const h = await this.redis.hgetall(this.keys.meta);
    if (!h.epoch || !h.nonce || Number(h.format) !== CODEC_VERSION) return null;
    return {
      epoch: h.epoch,
      watermark: Number(h.watermark),
      nonce: h.nonce,
      chunks: Number(h.chunks),
      entities: Number(h.entities),
      bytes: Number(h.bytes),
      writtenAt: Number(h.writtenAt),
      writtenBy: h.writtenBy ?? '',
    };
  }

  /** Writes a checkpoint of `entries` (any order) as of `watermark` in log `epoch`; resolves to its meta. */
  async write(
    entries: Iterable<[number, Timeline]>,
    at: { epoch: string; watermark: number; podId: string },
  ): Promise<CheckpointMeta> {
    const sorted = [...entries].sort((a, b) => a[0] - b[0]);
    const nonce = randomBytes(6).toString('hex');
    let bytes = 0;
    let next = 0;
    const chunks = Math.ceil(sorted.length / CHUNK_ENTITIES);
    const worker = async () => {
      for (let i = next++; i < chunks; i = next++) {
        const buf = encodeChunk(sorted.slice(i * CHUNK_ENTITIES, (i + 1) * CHUNK_ENTITIES));
        bytes += buf.length;
        await this.redis.set(this.keys.chunk(at.epoch, nonce, i), Buffer.from(buf.buffer, 0, buf.length), 'PX', TTL_MS);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const previous = await this.meta().catch(() => null);
    const meta: CheckpointMeta = {
      epoch: at.epoch,
      watermark: at.watermark,
      nonce,
      chunks,
      entities: sorted.length,
      bytes,
      writtenAt: Date.now(),
      writtenBy: at.podId,
    };
    await this.redis.hset(this.keys.meta, { ...meta, format: CODEC_VERSION });
    await this.redis.pexpire(this.keys.meta, TTL_MS);
    if (previous && previous.nonce !== nonce) await this.expire(previous);
    return meta;
  }

  /**
   * The current checkpoint of log `epoch` (decoded), or null when there is none, it is of
   * another log, or it was replaced while being read (a chunk gone).
   */
  async read(epoch: string): Promise<{ meta: CheckpointMeta; timelines: Map<number, Timeline> } | null> {
    const meta = await this.meta();
    if (!meta || meta.epoch !== epoch) return null;
    const timelines = new Map<number, Timeline>();
    let next = 0;
    let missing = false;
    const worker = async () => {
      for (let i = next++; i < meta.chunks && !missing; i = next++) {
        const buf = await this.redis.getBuffer(this.keys.chunk(meta.epoch, meta.nonce, i));
        if (!buf) missing = true;
        else decodeChunk(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), timelines);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    return missing ? null : { meta, timelines };
  }

  /**
   * Takes (or keeps) the writer's lease for `ttlMs`: true for the one pod that writes
   * checkpoints now. A lease held by this pod is extended.
   */
  async lease(podId: string, ttlMs: number): Promise<boolean> {
    if ((await this.redis.set(this.keys.writer, podId, 'PX', ttlMs, 'NX')) === 'OK') return true;
    if ((await this.redis.get(this.keys.writer)) !== podId) return false;
    await this.redis.pexpire(this.keys.writer, ttlMs);
    return true;
  }

  /** Lets a replaced checkpoint's chunks expire shortly (a reader may still be on them). */
  private async expire(old: CheckpointMeta): Promise<void> {
    await Promise.all(
      Array.from({ length: old.chunks }, (_, i) =>
        this.redis.pexpire(this.keys.chunk(old.epoch, old.nonce, i), REPLACED_TTL_MS),
      ),
    );
  }
}
