import { STATUSES, type Status } from '@sla/shared';
import type { EntityState } from '../../domain/entity.js';

/**
 * The Redis layout's entity encoding (layout version LAYOUT_VERSION), the one source for
 * write-through, refresh and readers. A value must stay within Redis' listpack limit
 * (`hash-max-listpack-value`, 64 bytes) so a bucket of BUCKET_SIZE entities stays a
 * listpack (about 55 bytes an entity instead of about 390 for JSON in one big hash). So:
 * - tenant, team and type are interned: a small id (see Interner) instead of the text;
 * - integers in base 36; times as one instant and two differences;
 * - status as its index in STATUSES;
 * - the entity name last, so it may hold any character.
 *
 * `version,tenant,team,type,slaTarget,currentSla,status,updatedAt,updatedAt-observedAt,observedAt-statusSince,name`
 *
 * The version comes first: the Lua scripts compare versions with an anchored match
 * (`tonumber(string.match(v, '^[0-9a-z]+'), 36)`). A long or non-ASCII name simply makes
 * a longer value (Redis then converts that one bucket to a hashtable; nothing breaks).
 */
export const LAYOUT_VERSION = 2;

/** Entities per bucket key; Redis' default `hash-max-listpack-entries` is 128. */
export const BUCKET_SIZE = 128;

/** The bucket holding entity `id`. */
export const bucketOf = (id: number): number => Math.floor(id / BUCKET_SIZE);

/** Interned strings both ways. Ids are small non-negative integers, stable for a Redis. */
export type Dictionary = {
  idOf(text: string): number | undefined;
  textOf(id: number): string | undefined;
};

/** A Dictionary from [text, id] pairs. */
export function dictionaryOf(pairs: Iterable<readonly [string, number]>): Dictionary & { size: number } {
  const ids = new Map<string, number>();
  const texts = new Map<number, string>();
  for (const [text, id] of pairs) {
    ids.set(text, id);
    texts.set(id, text);
  }
  return { idOf: (t) => ids.get(t), textOf: (i) => texts.get(i), size: ids.size };
}

/** The strings of an entity that the encoding interns. */
export const internedOf = (e: EntityState): [string, string, string] => [e.tenantName, e.teamName, e.entityType];

const STATUS_CODE = new Map<Status, number>(STATUSES.map((s, i) => [s, i]));

const b36 = (n: number): string => n.toString(36);

/**
 * Packs an entity. Throws an Error when a field is out of range (version and times must be
 * safe integers, the version non-negative) or an interned string has no id in `dict`.
 */
export function packEntity(e: EntityState, dict: Dictionary): string {
  if (!Number.isSafeInteger(e.version) || e.version < 0) {
    throw new Error(`entity ${e.id}: version must be a non-negative integer, got ${e.version}`);
  }
  for (const t of [e.statusSince, e.observedAt, e.updatedAt]) {
    if (!Number.isSafeInteger(t)) throw new Error(`entity ${e.id}: times must be integral milliseconds, got ${t}`);
  }
  // One template literal: a refresh packs every entity, and this is about twice as fast
  // as building and joining an array.
  return `${b36(e.version)},${idOf(dict, e.tenantName)},${idOf(dict, e.teamName)},${idOf(dict, e.entityType)},${e.slaTarget},${e.currentSla},${STATUS_CODE.get(e.status)},${b36(e.updatedAt)},${b36(e.updatedAt - e.observedAt)},${b36(e.observedAt - e.statusSince)},${e.entityName}`;
}

/** The base-36 dictionary id of an interned string; throws when the dictionary lacks it. */
function idOf(dict: Dictionary, text: string): string {
  const id = dict.idOf(text);
  if (id === undefined) throw new Error(`no dictionary id for ${JSON.stringify(text)}`);
  return b36(id);
}

/** Position of the name: the ten fields before it. */
const FIELDS_BEFORE_NAME = 10;

/**
 * Unpacks what packEntity produced for entity `id`. Throws an Error starting "not a packed
 * entity" when the text is malformed or names an id the dictionary does not hold.
 */
export function unpackEntity(id: number, text: string, dict: Dictionary): EntityState {
  const parts: string[] = [];
  let at = 0;
  for (let i = 0; i < FIELDS_BEFORE_NAME; i++) {
    const comma = text.indexOf(',', at);
    if (comma < 0) throw malformed(text);
    parts.push(text.slice(at, comma));
    at = comma + 1;
  }
  const [version, tenant, team, type, target, sla, status, updated, observedAgo, sinceAgo] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const text36 = (s: string) => {
    const found = dict.textOf(Number.parseInt(s, 36));
    if (found === undefined) throw malformed(text);
    return found;
  };
  const updatedAt = Number.parseInt(updated, 36);
  const observedAt = updatedAt - Number.parseInt(observedAgo, 36);
  const statusValue = STATUSES[Number(status)];
  const e: EntityState = {
    id,
    tenantName: text36(tenant),
    teamName: text36(team),
    entityType: text36(type),
    entityName: text.slice(at),
    slaTarget: Number(target),
    currentSla: Number(sla),
    status: statusValue as Status,
    statusSince: observedAt - Number.parseInt(sinceAgo, 36),
    observedAt,
    updatedAt,
    version: Number.parseInt(version, 36),
  };
  if (statusValue === undefined || !Number.isFinite(e.version + e.statusSince + e.slaTarget + e.currentSla)) {
    throw malformed(text);
  }
  return e;
}

const malformed = (text: string) => new Error(`not a packed entity: ${text.slice(0, 80)}`);
