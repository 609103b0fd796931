import type { LogChange } from '../domain/change.js';

/**
 * The fields of a change-tail entry, in order: the change minus its id (the entry's stream
 * id carries it). Defined once; encode and decode both read this list, so a field added to
 * LogChange is a type error here until it has a place.
 */
const TAIL_FIELDS = [
  'entityId',
  'tenantName',
  'teamName',
  'entityType',
  'entityName',
  'previousSla',
  'previousStatus',
  'currentSla',
  'status',
  'slaTarget',
  'statusSince',
  'observedAt',
  'receivedAt',
  'applied',
  'source',
] as const satisfies readonly (keyof LogChange)[];

// Every LogChange key but `id` must be listed above.
type Missing = Exclude<keyof LogChange, (typeof TAIL_FIELDS)[number] | 'id'>;
const complete: [Missing] extends [never] ? true : Missing = true;
void complete;

/** A change's stream id in the tail: `<change id>-0`, so stream order is change order. */
export const tailStreamId = (changeId: number): string => `${changeId}-0`;

/** The change id of a tail stream id (`<id>-<seq>`); NaN when it is not one. */
export const changeIdOfStreamId = (streamId: string): number => Number(streamId.split('-')[0]);

/**
 * One tail entry's value: the change's fields (TAIL_FIELDS order) as a JSON array. The
 * same shape as recent changes and live events carry (domain LogChange, times in epoch ms).
 */
export function encodeTailEntry(c: LogChange): string {
  return JSON.stringify(TAIL_FIELDS.map((f) => c[f]));
}

/**
 * The change an entry holds, given its change id and value. Throws an Error naming the id
 * when the value is not an array of TAIL_FIELDS' length (a tail written by another layout).
 */
export function decodeTailEntry(id: number, value: string): LogChange {
  const v: unknown = JSON.parse(value);
  if (!Array.isArray(v) || v.length !== TAIL_FIELDS.length)
    throw new Error(`change tail entry ${id} is not a ${TAIL_FIELDS.length}-field array`);
  const change: Record<string, unknown> = { id };
  for (const [i, f] of TAIL_FIELDS.entries()) change[f] = v[i];
  return change as LogChange;
}
