import {
  isWellFormed,
  MAX_INSTANT_MS,
  MIN_INSTANT_MS,
  ZEntityListInput,
  ZHistoryInput,
  ZIdempotencyKey,
  ZIncrementalUpdate,
  ZIncrementalUpdates,
  ZOnChangeInput,
  ZRecentChangesInput,
} from '@sla/shared';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';

const UPDATE = {
  entityName: 'user_activity_table',
  entityType: 'table',
  teamName: 'PGM',
  tenantName: 'Data Engineering',
  currentSla: 95.5,
  status: 'Passed',
};

/** The messages of a failed parse, `path: message` each. */
const problems = (schema: z.ZodType, input: unknown) => {
  const r = schema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('input schemas refuse what PostgreSQL cannot store, naming the field', () => {
  it('tells lone surrogates from pairs', () => {
    expect(isWellFormed('emoji 😀 ok')).toBe(true);
    for (const s of ['x\ud800', '\udc00x', 'a\udc00\ud800b', '\ud83d'])
      expect(isWellFormed(s), JSON.stringify(s)).toBe(false);
  });

  it.each(['entityName', 'teamName', 'tenantName'])('%s: control characters and lone surrogates', (field) => {
    for (const bad of ['a\u0000b', 'a\u0007b', 'a\u007fb', 'a\u0085b', 'a\u001fb'])
      expect(problems(ZIncrementalUpdate, { ...UPDATE, [field]: bad }), JSON.stringify(bad)).toEqual([
        `${field}: ${field} must not contain control characters (U+0000–U+001F, U+007F–U+009F)`,
      ]);
    expect(problems(ZIncrementalUpdate, { ...UPDATE, [field]: 'x\ud800' })).toEqual([
      `${field}: ${field} must be valid Unicode (it holds an unpaired UTF-16 surrogate)`,
    ]);
    expect(problems(ZIncrementalUpdate, { ...UPDATE, [field]: 'Données 😀 ✓' })).toEqual([]);
  });

  it('observedAt: only instants whose UTC year is 0001–9999', () => {
    const at = (observedAt: string) => problems(ZIncrementalUpdate, { ...UPDATE, observedAt });
    for (const ok of [
      '0001-01-01T00:00:00Z',
      '9999-12-31T23:59:59.999Z',
      '9999-12-31T23:59:59+14:00',
      '2026-03-01T10:00:00+02:00',
    ])
      expect(at(ok), ok).toEqual([]);
    for (const bad of ['0000-01-01T00:00:00Z', '9999-12-31T23:59:59-14:00', '0001-01-01T00:00:00+00:01'])
      expect(at(bad), bad).toEqual([
        'observedAt: observedAt must lie between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z once converted to UTC',
      ]);
    expect(new Date(MIN_INSTANT_MS).toISOString()).toBe('0001-01-01T00:00:00.000Z');
    expect(new Date(MAX_INSTANT_MS).toISOString()).toBe('9999-12-31T23:59:59.999Z');
  });

  it('details: NUL and lone surrogates anywhere (keys too), with where; tabs and newlines stay allowed', () => {
    const d = (details: unknown) => problems(ZIncrementalUpdate, { ...UPDATE, details });
    expect(d({ log: 'line 1\n\tline 2\r\n', bell: '\u0007' })).toEqual([]);
    expect(d({ a: [{ b: 'x\u0000' }] })).toEqual([
      'details: details must not contain NUL (\\u0000) characters (at details.a.0.b)',
    ]);
    expect(d({ a: { 'k\ud800': 1 } })).toEqual([
      'details: details must be valid Unicode: an unpaired UTF-16 surrogate at a key in details.a',
    ]);
    expect(d({ a: ['ok', '\udfff'] })).toEqual([
      'details: details must be valid Unicode: an unpaired UTF-16 surrogate at details.a.1',
    ]);
  });

  it('a batch names the item', () => {
    const updates = Array.from({ length: 1000 }, (_, i) => ({ ...UPDATE, entityName: `e${i}` }));
    updates[737] = { ...UPDATE, entityName: 'x\ud800' };
    expect(problems(ZIncrementalUpdates, { updates })).toEqual([
      'updates.737.entityName: entityName must be valid Unicode (it holds an unpaired UTF-16 surrogate)',
    ]);
  });

  it('replace is a boolean', () => {
    expect(problems(ZIncrementalUpdate, { ...UPDATE, replace: true })).toEqual([]);
    expect(problems(ZIncrementalUpdate, { ...UPDATE, replace: 1 })).toEqual(['replace: replace must be true or false']);
  });

  it('read filters (recent changes, entity list, subscription) refuse the same characters', () => {
    const cases: [z.ZodType, string][] = [
      [ZRecentChangesInput, 'tenantName'],
      [ZRecentChangesInput, 'teamName'],
      [ZEntityListInput, 'tenantName'],
      [ZEntityListInput, 'teamName'],
      [ZEntityListInput, 'entityType'],
      [ZEntityListInput, 'q'],
      [ZOnChangeInput, 'tenantName'],
      [ZOnChangeInput, 'teamName'],
      [ZOnChangeInput, 'lastEventId'],
    ];
    for (const [schema, field] of cases) {
      expect(problems(schema, { [field]: '\u0000' })[0], field).toMatch(
        new RegExp(`^${field}: ${field} must not contain control`),
      );
      expect(problems(schema, { [field]: 'a\ud800' })[0], field).toMatch(
        new RegExp(`^${field}: ${field} must be valid Unicode`),
      );
      expect(problems(schema, { [field]: 'x'.repeat(257) })[0], field).toMatch(/at most 256 characters/);
      expect(problems(schema, { [field]: 'Data Engineering' }), field).toEqual([]);
    }
    expect(problems(ZOnChangeInput, { lastEventId: null })).toEqual([]);
  });

  it('entity ids fit PostgreSQL integer', () => {
    expect(problems(ZHistoryInput, { id: 2 ** 31 - 1 })).toEqual([]);
    expect(problems(ZHistoryInput, { id: 2 ** 31 })).toEqual(['id: id is not an entity id']);
    expect(problems(ZHistoryInput, { id: 0 })).toEqual(['id: id must be a positive entity id']);
  });

  it('Idempotency-Key: 1 to 255 printable ASCII characters', () => {
    for (const ok of ['a', '8e0f1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b', 'k'.repeat(255), 'with space inside'])
      expect(ZIdempotencyKey.safeParse(ok).success, ok).toBe(true);
    for (const bad of ['', ' leading', 'k'.repeat(256), 'clé', 'tab\there', 'nul\u0000'])
      expect(ZIdempotencyKey.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });
});
