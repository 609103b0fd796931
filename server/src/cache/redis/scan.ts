import type { EntityState } from '../../domain/entity.js';
import { decodeEntity } from '../store/codec.js';
import { FIELD_INDEX } from '../store/encoding.js';
import { GenerationGoneError, type GenerationMeta, type TeamKey } from '../store/types.js';

/** Page-wise access to the current generation's entities hash. */
export type GenerationPages = {
  meta(): Promise<GenerationMeta | null>;
  /** One HSCAN page of `generation`, or null once it is no longer current. */
  page(generation: string, cursor: string, count: number): Promise<{ cursor: string; values: string[] } | null>;
};

/**
 * HSCANs the current generation page by page. Every page is read by a script that first
 * checks the generation is still current, so all pages come from one generation. When it
 * is switched out mid-way, `onRestart` decides whether to start over on the new one
 * (true) or to give up with GenerationGoneError.
 */
async function restartingScan(
  pages: GenerationPages,
  onValues: (values: string[]) => void | Promise<void>,
  onRestart: () => boolean,
  count: number,
): Promise<GenerationMeta | null> {
  for (let attempt = 0; ; attempt++) {
    const meta = await pages.meta();
    if (!meta) return null;
    const generation = String(meta.generation);
    let cursor = '0';
    let gone = false;
    do {
      const page = await pages.page(generation, cursor, count);
      if (!page) {
        gone = true;
        break;
      }
      cursor = page.cursor;
      await onValues(page.values);
    } while (cursor !== '0');
    if (!gone) return meta;
    if (!onRestart() || attempt >= 5) throw new GenerationGoneError(meta.generation);
  }
}

/** A team's entities by ascending id, restarting transparently if a switch interrupts. */
export async function listTeamOf(pages: GenerationPages, key: TeamKey): Promise<EntityState[]> {
  const tenant = JSON.stringify(key.tenantName);
  const team = JSON.stringify(key.teamName);
  const byId = new Map<number, EntityState>();
  await restartingScan(
    pages,
    (values) => {
      for (const value of values) {
        if (!holdsTeam(value, tenant, team)) continue;
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

/**
 * Whether an encoded entity belongs to the team whose tenant and team are given as JSON
 * strings; cheaper than decoding every value. The encoding holds tenant then team after a
 * run of numbers (store/encoding.ts, checkLayout), so the tenant starts after that many
 * commas. PostgreSQL's JSON (a refresh's encoding) puts a space after each comma,
 * JSON.stringify none, and both escape a string alike. A JSON string ends at its closing
 * quote, so a match never takes a longer name for the asked one.
 */
function holdsTeam(value: string, tenant: string, team: string): boolean {
  let at = 0;
  for (let i = 0; i < FIELD_INDEX.tenantName; i++) at = value.indexOf(',', at) + 1;
  at = skipSpaces(value, at);
  if (!value.startsWith(tenant, at)) return false;
  at = skipSpaces(value, at + tenant.length);
  return value[at] === ',' && value.startsWith(team, skipSpaces(value, at + 1));
}

const skipSpaces = (text: string, from: number): number => {
  let at = from;
  while (text[at] === ' ') at++;
  return at;
};

/**
 * Streams the current generation in batches of exactly `batchSize` (the last may be
 * smaller). A switch before the first batch restarts on the new generation; after it,
 * GenerationGoneError.
 */
export async function scanInBatches(
  pages: GenerationPages,
  onBatch: (entities: EntityState[]) => void | Promise<void>,
  batchSize: number,
): Promise<GenerationMeta | null> {
  // HSCAN may return an entry twice while the hash resizes; the first copy is enough
  // since the caller catches up from the change log after the meta's watermark.
  let seen = new Set<number>();
  let pending: EntityState[] = [];
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
  const meta = await restartingScan(
    pages,
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

/**
 * A Redis reply checked to be an array of strings (HSCAN, HGETALL, SMEMBERS and the like).
 * @throws Error when it is anything else.
 */
export function strings(reply: unknown): string[] {
  if (!Array.isArray(reply) || !reply.every((v): v is string => typeof v === 'string')) {
    throw new Error('unexpected Redis reply: expected an array of strings');
  }
  return reply;
}

/** A generation's meta from its flat HGETALL reply. */
export function parseMeta(generation: number, reply: unknown): GenerationMeta | null {
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
    ...(f.has('epoch') ? { epoch: f.get('epoch') } : {}),
  };
}
