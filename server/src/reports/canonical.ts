import { createHash } from 'node:crypto';
import type { Report } from '@sla/shared';

/**
 * JSON with object keys sorted (recursively) and no whitespace, so equal content always
 * has the same text whatever order its keys were built in. Arrays keep their order (a
 * report's rows and breaches are ordered on purpose). `undefined` members are left out,
 * as JSON.stringify does; numbers are written as JSON.stringify writes them.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const members = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`);
  return `{${members.join(',')}}`;
}

/** SHA-256 (lowercase hex) of the canonical JSON of `value`. */
export const sha256Hex = (value: unknown): string => createHash('sha256').update(canonicalJson(value)).digest('hex');

/**
 * The content hash of a report: SHA-256 of the canonical JSON of what it says —
 * `{ summary, rows }` plus the identity that gives them meaning (tenant, team, entity,
 * period, time zone, NoData policy). Not the state, revision or `generatedAt`, so the same
 * figures always hash the same, before and after closing.
 */
export function reportHash(r: Report): string {
  return sha256Hex({
    tenantName: r.tenantName,
    teamName: r.teamName,
    entityId: r.entityId,
    period: r.period,
    timeZone: r.timeZone,
    from: r.from,
    to: r.to,
    noDataPolicy: r.noDataPolicy,
    summary: r.summary,
    rows: r.rows,
  });
}
