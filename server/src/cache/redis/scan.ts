import type { EntityState } from '../../domain/entity.js';
import { BUCKET_SIZE } from '../store/packed.js';
import { GenerationGoneError, type GenerationMeta, type TeamKey } from '../store/types.js';

/** The current generation as a scan sees it: its meta and the nonce naming its buckets. */
export type Head = { meta: GenerationMeta; nonce: string };

/** Bucket-wise access to the current generation (see store.ts). */
export type GenerationReader = {
  head(): Promise<Head | null>;
  /** Prepares reading `head` (the dictionary copy) and lists its bucket numbers. */
  buckets(head: Head): Promise<number[]>;
  /** The entities of some buckets of `head`, or null once it is no longer current. */
  read(head: Head, buckets: readonly number[]): Promise<EntityState[] | null>;
};

/** Buckets read per round trip for batches of `batchSize` entities (at most 64). */
const bucketsPerRead = (batchSize: number): number => Math.min(64, Math.max(1, Math.ceil(batchSize / BUCKET_SIZE)));

/**
 * Reads the current generation bucket by bucket. Every read is checked afterwards to have
 * come from a generation still current (a switched-out generation's buckets are deleted
 * only after the switch), so all entities come from one generation. When it is switched
 * out mid-way, `onRestart` decides whether to start over on the new one (true) or to give
 * up with GenerationGoneError.
 */
async function restartingScan(
  reader: GenerationReader,
  onEntities: (entities: EntityState[]) => void | Promise<void>,
  onRestart: () => boolean,
  perRead: number,
): Promise<GenerationMeta | null> {
  for (let attempt = 0; ; attempt++) {
    const head = await reader.head();
    if (!head) return null;
    const buckets = (await reader.buckets(head)).sort((a, b) => a - b);
    let gone = false;
    for (let i = 0; i < buckets.length || i === 0; i += perRead) {
      const entities = await reader.read(head, buckets.slice(i, i + perRead));
      if (!entities) {
        gone = true;
        break;
      }
      await onEntities(entities);
    }
    if (!gone) return head.meta;
    if (!onRestart() || attempt >= 5) throw new GenerationGoneError(head.meta.generation);
  }
}

/** A team's entities by ascending id, restarting transparently if a switch interrupts. */
export async function listTeamOf(reader: GenerationReader, key: TeamKey): Promise<EntityState[]> {
  const found: EntityState[] = [];
  await restartingScan(
    reader,
    (entities) => {
      for (const e of entities) if (e.tenantName === key.tenantName && e.teamName === key.teamName) found.push(e);
    },
    () => {
      found.length = 0;
      return true;
    },
    64,
  );
  return found.sort((a, b) => a.id - b.id);
}

/**
 * Streams the current generation in batches of exactly `batchSize` (the last may be
 * smaller). A switch before the first batch restarts on the new generation; after it,
 * GenerationGoneError.
 */
export async function scanInBatches(
  reader: GenerationReader,
  onBatch: (entities: EntityState[]) => void | Promise<void>,
  batchSize: number,
): Promise<GenerationMeta | null> {
  let pending: EntityState[] = [];
  let delivered = false;
  const flush = async (all: boolean) => {
    while (pending.length >= batchSize || (all && pending.length > 0)) {
      const batch = pending.slice(0, batchSize);
      pending = pending.slice(batchSize);
      delivered = true;
      await onBatch(batch);
    }
  };
  const meta = await restartingScan(
    reader,
    async (entities) => {
      for (const e of entities) pending.push(e);
      await flush(false);
    },
    () => {
      pending = [];
      return !delivered;
    },
    bucketsPerRead(batchSize),
  );
  await flush(true);
  return meta;
}

/**
 * A Redis reply checked to be an array of strings (HKEYS, SMEMBERS and the like).
 * @throws Error when it is anything else.
 */
export function strings(reply: unknown): string[] {
  if (!Array.isArray(reply) || !reply.every((v): v is string => typeof v === 'string')) {
    throw new Error('unexpected Redis reply: expected an array of strings');
  }
  return reply;
}

/** A generation's meta and nonce from its flat HGETALL reply. */
export function parseHead(generation: number, reply: unknown): Head | null {
  const flat = strings(reply);
  if (flat.length === 0) return null;
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) f.set(flat[i] as string, flat[i + 1] as string);
  const num = (name: string) => Number(f.get(name) ?? 0);
  const meta: GenerationMeta = {
    generation,
    appliedChangeId: num('appliedChangeId'),
    entityCount: num('entityCount'),
    teamCount: num('teamCount'),
    builtAt: num('builtAt'),
    builtBy: f.get('builtBy') ?? '',
    durationMs: num('durationMs'),
    ...(f.has('epoch') ? { epoch: f.get('epoch') } : {}),
  };
  return { meta, nonce: f.get('nonce') ?? '' };
}
