import { hash } from 'node:crypto';
import type { AlertScope } from '@sla/shared';

/**
 * The fingerprint of an alert: SHA-256 (hex, 64 characters) of the rule id, the subject (an
 * entity id, or a scope for an alert about a whole scope) and the tier (null for status and
 * stale rules). Fields are joined with U+001F, which names may not contain, so two different
 * triples never hash the same text. Stable across pods and restarts: the same rule, subject and
 * tier always give the same fingerprint. Computed for conditions that hold, every cycle: the
 * one-shot `crypto.hash` (Node ≥ 20.12) costs about 0.3 µs, a `createHash` object about 1.4 µs,
 * which at 100,000 firing alerts was a fifth of a full evaluation.
 */
export function fingerprint(rule: { id: number }, subject: number | AlertScope, tier: string | null): string {
  const about =
    typeof subject === 'number'
      ? `entity:${subject}`
      : `scope:${JSON.stringify([subject.teamName ?? null, subject.entityType ?? null, subject.entityId ?? null])}`;
  return hash('sha256', `rule:${rule.id}\u001f${about}\u001ftier:${tier ?? ''}`, 'hex');
}
