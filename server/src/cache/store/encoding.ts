import type { Status } from '@sla/shared';
import type { EntityState } from '../../domain/entity.js';

/**
 * The one definition of an entity's positional JSON form (no field names): what a refresh
 * has PostgreSQL emit and what crosses process boundaries. Redis itself holds the packed
 * form of store/packed.ts, made from decoded entities. Everything positional is derived
 * from ENTITY_FIELDS:
 * - the codec (store/codec.ts) encodes and decodes by these positions;
 * - the refresh has PostgreSQL build the same array (ENCODED_ENTITY_SQL, refresh/pg-snapshot.ts);
 * - Lua constants `F_<NAME>` can be generated from this list (redis/lua-source.ts, the
 *   `encoding` include) for a script that reads this form.
 * Change the encoding here and nowhere else; checkLayout states what its readers assume.
 */

/** How a field is checked when decoded: a JSON number, a JSON string, or one of STATUSES. */
export type FieldKind = 'number' | 'string' | 'status';

type KindOf<T> = T extends Status ? 'status' : T extends number ? 'number' : 'string';

/** One position of the array: the EntityState field, its kind, and the SQL on `sla_entity` that yields it. */
export type EntityField = {
  [K in keyof EntityState]: { readonly name: K; readonly kind: KindOf<EntityState[K]>; readonly sql: string };
}[keyof EntityState];

/** Times leave PostgreSQL as integral epoch milliseconds, as EntityState holds them. */
const epochMs = (column: string): string => `(extract(epoch FROM ${column}) * 1000)::bigint`;

/**
 * The field order. The version comes first because the Lua scripts compare versions on
 * every write: an anchored `^%[(%d+)` match costs about 0.2 µs, against 1.2 µs for
 * cjson.decode and 2 µs for a pattern anchored at the end of the string (measured on Redis 7.0).
 */
export const ENTITY_FIELDS = [
  { name: 'version', kind: 'number', sql: 'version' },
  { name: 'id', kind: 'number', sql: 'id' },
  { name: 'tenantName', kind: 'string', sql: 'tenant_name' },
  { name: 'teamName', kind: 'string', sql: 'team_name' },
  { name: 'entityType', kind: 'string', sql: 'entity_type' },
  { name: 'entityName', kind: 'string', sql: 'entity_name' },
  { name: 'slaTarget', kind: 'number', sql: 'sla_target' },
  { name: 'currentSla', kind: 'number', sql: 'current_sla' },
  { name: 'status', kind: 'status', sql: 'status' },
  { name: 'statusSince', kind: 'number', sql: epochMs('status_since') },
  { name: 'observedAt', kind: 'number', sql: epochMs('observed_at') },
  { name: 'updatedAt', kind: 'number', sql: epochMs('updated_at') },
] as const satisfies readonly EntityField[];

type Fields = typeof ENTITY_FIELDS;

/** The field names in the list. */
export type ListedField = Fields[number]['name'];

/** The encoded array's type, position by position (e.g. `[number, number, string, ...]`). */
export type EncodedEntity = {
  -readonly [I in keyof Fields]: Fields[I] extends { name: infer N extends keyof EntityState } ? EntityState[N] : never;
};

/** The zero-based position of field N in the list, as a literal type. */
type PositionOf<N, T extends readonly unknown[], Seen extends unknown[] = []> = T extends readonly [
  infer Head,
  ...infer Rest,
]
  ? Head extends { name: N }
    ? Seen['length']
    : PositionOf<N, Rest, [...Seen, Head]>
  : never;

/**
 * Zero-based position of each field in the encoded array. Typed with the literal positions,
 * so `row[FIELD_INDEX.status]` on an EncodedEntity has the field's own type; the codec reads
 * every EntityState field through it, so a field missing from the list fails to compile there.
 */
export const FIELD_INDEX = Object.freeze(Object.fromEntries(ENTITY_FIELDS.map((f, i) => [f.name, i]))) as {
  readonly [N in ListedField]: PositionOf<N, Fields>;
};

/**
 * The SQL expression (on `sla_entity`) that yields an entity already encoded, as text: the
 * refresh then moves one string per entity instead of parsing the columns and encoding
 * them again, which was most of its time.
 */
export const ENCODED_ENTITY_SQL = `json_build_array(${ENTITY_FIELDS.map((f) => f.sql).join(', ')})::text`;

/**
 * Checks what the readers of the encoding assume of a field list, and throws an Error
 * naming the broken assumption:
 * - each field once;
 * - version first (the scripts' anchored version match, see above);
 * - tenant and team adjacent, after numbers only (the Redis scan finds a team's entities
 *   after skipping that many commas, which numbers never contain).
 * Run on ENTITY_FIELDS when this module loads, so a bad edit stops every process and test.
 */
export function checkLayout(fields: readonly EntityField[]): void {
  const names = fields.map((f) => f.name);
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated) throw new Error(`entity encoding lists ${repeated} twice`);
  if (names[0] !== 'version') throw new Error('entity encoding must start with version (the Lua version match)');
  const tenant = names.indexOf('tenantName');
  if (tenant < 0 || names[tenant + 1] !== 'teamName') {
    throw new Error('entity encoding must hold teamName right after tenantName (the team scan)');
  }
  if (fields.slice(0, tenant).some((f) => f.kind !== 'number')) {
    throw new Error('entity encoding must hold only numbers before tenantName (the team scan)');
  }
}

checkLayout(ENTITY_FIELDS);
