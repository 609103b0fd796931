import { STATUSES, type Status } from '@sla/shared';
import type { EntityState } from '../../domain/entity.js';

/**
 * A cached entity as a positional JSON array: no field names, so a million entities take
 * far less memory in Redis and encode with one JSON.stringify.
 *
 * [version, id, tenantName, teamName, entityType, entityName, slaTarget, currentSla,
 *  status, statusSince, observedAt, updatedAt]
 *
 * The version comes first because the Lua scripts compare versions on every write: an
 * anchored `^%[(%d+)` match costs about 0.2 µs, against 1.2 µs for cjson.decode and
 * 2 µs for a pattern anchored at the end of the string (measured on Redis 7.0).
 */
export function encodeEntity(e: EntityState): string {
  if (!Number.isSafeInteger(e.version) || e.version < 0) {
    // The scripts parse the version as a run of digits.
    throw new Error(`entity ${e.id}: version must be a non-negative integer, got ${e.version}`);
  }
  return JSON.stringify([
    e.version,
    e.id,
    e.tenantName,
    e.teamName,
    e.entityType,
    e.entityName,
    e.slaTarget,
    e.currentSla,
    e.status,
    e.statusSince,
    e.observedAt,
    e.updatedAt,
  ]);
}

const statuses: ReadonlySet<string> = new Set(STATUSES);
const isStatus = (v: unknown): v is Status => typeof v === 'string' && statuses.has(v);

export function decodeEntity(text: string): EntityState {
  const a: unknown = JSON.parse(text);
  if (!Array.isArray(a) || a.length !== 12) throw malformed(text);
  const [
    version,
    id,
    tenantName,
    teamName,
    entityType,
    entityName,
    slaTarget,
    currentSla,
    status,
    statusSince,
    observedAt,
    updatedAt,
  ] = a as unknown[];
  if (
    typeof version !== 'number' ||
    typeof id !== 'number' ||
    typeof tenantName !== 'string' ||
    typeof teamName !== 'string' ||
    typeof entityType !== 'string' ||
    typeof entityName !== 'string' ||
    typeof slaTarget !== 'number' ||
    typeof currentSla !== 'number' ||
    !isStatus(status) ||
    typeof statusSince !== 'number' ||
    typeof observedAt !== 'number' ||
    typeof updatedAt !== 'number'
  ) {
    throw malformed(text);
  }
  return {
    id,
    tenantName,
    teamName,
    entityType,
    entityName,
    slaTarget,
    currentSla,
    status,
    statusSince,
    observedAt,
    updatedAt,
    version,
  };
}

const malformed = (text: string) => new Error(`not an encoded entity: ${text.slice(0, 80)}`);
