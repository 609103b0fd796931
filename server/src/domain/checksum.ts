/**
 * An order-independent checksum of a set of entity states: the sum, modulo 2^32, of a
 * 32-bit hash of each entity's (id, version). A sum (not a hash of a sorted list) so it
 * can be kept current incrementally — replacing a state subtracts its term and adds the
 * new one — and so a PostgreSQL snapshot read in any order and a view built in any order
 * agree. Versions are change ids, so (id, version) identifies an entity's state. Not
 * cryptographic: it detects a view that drifted from its source (a missed or extra
 * state), with a 1 in 2^32 chance of missing one.
 */
export function checksumTerm(id: number, version: number): number {
  // Both numbers multiplied by odd constants (Math.imul: 32-bit), then a murmur3 finaliser.
  let h = Math.imul(id, 0x9e3779b1) ^ Math.imul(version, 0x85ebca77);
  h = Math.imul(h ^ (h >>> 15), 0xc2b2ae3d);
  h = Math.imul(h ^ (h >>> 13), 0x27d4eb2f);
  return (h ^ (h >>> 16)) >>> 0;
}

/** `sum` with `term` added (mod 2^32). */
export const addTerm = (sum: number, term: number): number => (sum + term) >>> 0;

/** `sum` with `term` removed (mod 2^32). */
export const removeTerm = (sum: number, term: number): number => (sum - term) >>> 0;

/** What a view is checked against: the entity count and checksum of the log's state as of `changeId`. */
export type StateCheck = { changeId: number; entities: number; checksum: number };
