import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { matchToken, parseIngestTokens } from '../../../src/ingest/tokens.js';

const hex = (s: string) => createHash('sha256').update(s).digest('hex');

describe('parseIngestTokens', () => {
  it('reads nothing from an unset or empty value', () => {
    expect(parseIngestTokens(undefined)).toEqual([]);
    expect(parseIngestTokens('')).toEqual([]);
    expect(parseIngestTokens(' , ,')).toEqual([]);
  });

  it('keeps plain tokens only as hashes, labelled by position, open to every tenant', () => {
    const entries = parseIngestTokens(' alpha , beta');
    expect(entries.map((e) => [e.label, e.tenants])).toEqual([
      ['token#1', null],
      ['token#2', null],
    ]);
    expect(entries[0]?.hash.toString('hex')).toBe(hex('alpha'));
    expect(JSON.stringify(entries)).not.toContain('alpha');
  });

  it('accepts sha256: entries in either case, matched by the token that hashes to them', () => {
    const entries = parseIngestTokens(`sha256:${hex('s3cret').toUpperCase()},plain`);
    expect(matchToken(entries, 's3cret')?.label).toBe('token#1');
    expect(matchToken(entries, 'plain')?.label).toBe('token#2');
    // The hash itself is not a token.
    expect(matchToken(entries, `sha256:${hex('s3cret')}`)).toBeNull();
    expect(matchToken(entries, 'S3CRET')).toBeNull();
    expect(matchToken(entries, '')).toBeNull();
  });

  it('restricts an entry to the tenants after @, separated by |, trimmed', () => {
    const [scoped, hashed] = parseIngestTokens(`abc@Data Engineering | Analytics |,sha256:${hex('x')}@Finance`);
    expect(scoped?.tenants).toEqual(new Set(['Data Engineering', 'Analytics']));
    expect(hashed?.tenants).toEqual(new Set(['Finance']));
    expect(matchToken(parseIngestTokens('abc@Data Engineering'), 'abc')?.tenants).toEqual(
      new Set(['Data Engineering']),
    );
  });

  it('stops on a malformed entry with a message naming it and the problem', () => {
    expect(() => parseIngestTokens('ok,sha256:abc')).toThrow(
      'INGEST_TOKENS: entry 2 has a malformed sha256: hash (expected 64 hex digits)',
    );
    expect(() => parseIngestTokens(`sha256:${hex('x')}0`)).toThrow(/entry 1 has a malformed sha256: hash/);
    expect(() => parseIngestTokens(`sha256:${'g'.repeat(64)}`)).toThrow(/entry 1 has a malformed sha256: hash/);
    expect(() => parseIngestTokens('a,b,@Analytics')).toThrow('INGEST_TOKENS: entry 3 has no token');
  });
});

describe('matchToken', () => {
  it('finds the first entry whose hash the bearer token has, else null', () => {
    const entries = parseIngestTokens('one@A,two,one@B');
    expect(matchToken(entries, 'two')?.label).toBe('token#2');
    expect(matchToken(entries, 'one')?.label).toBe('token#1');
    expect(matchToken(entries, 'three')).toBeNull();
    expect(matchToken([], 'one')).toBeNull();
  });
});
