import { createHash } from 'node:crypto';
import type { AlertScope } from '@sla/shared';

/**
 * The fingerprint of an alert: SHA-256 (hex, 64 characters) of the rule id, the subject (an
 * entity id, or a scope for an alert about a whole scope) and the tier (null for status and
 * stale rules). Fields are joined with U+001F, which names may not contain, so two different
 * triples never hash the same text. Stable across pods and restarts: the same rule, subject and
 * tier always give the same fingerprint. Computed only for conditions that hold (about 1 µs each).
 */
export function fingerprint(rule: { id: number }, subject: number | AlertScope, tier: string | null): string {
  const about =
    typeof subject === 'number'
      ? `entity:${subject}`
      : `scope:${JSON.stringify([subject.teamName ?? null, subject.entityType ?? null, subject.entityId ?? null])}`;
  return createHash('sha256')
    .update(`rule:${rule.id}\u001f${about}\u001ftier:${tier ?? ''}`)
    .digest('hex');
}
