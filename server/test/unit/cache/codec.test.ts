import { describe, expect, it } from 'vitest';
import { cacheKeys, changesChannel, refreshChannel } from '../../../src/cache/redis/keys.js';
import { decodeEntity, encodeEntity } from '../../../src/cache/store/codec.js';
import { parseTeamField, teamField } from '../../../src/cache/store/team-field.js';
import { entity } from '../../integration/cache/store.contract.js';

describe('codec and key layout', () => {
  it('encodes an entity as a positional array, version first, and decodes it exactly', () => {
    const e = entity(42, {
      tenantName: 'Données "✓"',
      teamName: 'a\u0001b\\',
      currentSla: 0.1 + 0.2,
      version: 2 ** 53 - 1,
    });
    const text = encodeEntity(e);
    expect(text.startsWith(`[${2 ** 53 - 1},42,`)).toBe(true);
    expect(text).not.toContain('tenantName');
    expect(decodeEntity(text)).toEqual(e);
    expect(() => encodeEntity(entity(1, { version: 1.5 }))).toThrow(/version/);
    expect(() => decodeEntity('[1,2,3]')).toThrow(/not an encoded entity/);
    expect(() => decodeEntity(text.replace('"Passed"', '"Bogus"'))).toThrow(/not an encoded entity/);
  });

  it('names coordination keys with the {cache} hash tag, buckets with their own, channels without', () => {
    expect(cacheKeys().current).toBe('sla:{cache}:gen');
    expect(cacheKeys().buckets(3)).toBe('sla:{cache}:b:3');
    expect(cacheKeys('p:').teams(3)).toBe('p:{cache}:t:3');
    expect(cacheKeys('p:').bucket(7, 3, 'n0')).toBe('p:{b7}:3:n0');
    expect([refreshChannel(), changesChannel()]).toEqual(['sla:refresh', 'sla:changes']);
    expect(parseTeamField(teamField('Data Engineering', 'PGM'))).toEqual({
      tenantName: 'Data Engineering',
      teamName: 'PGM',
    });
  });
});
