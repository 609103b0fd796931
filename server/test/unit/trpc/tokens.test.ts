import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { adminNamed, matchToken, parseTokens } from '../../../src/trpc/tokens.js';

const hex = (s: string) => createHash('sha256').update(s).digest('hex');

describe('parseTokens', () => {
  it('reads nothing from an unset or empty value', () => {
    expect(parseTokens(undefined)).toEqual([]);
    expect(parseTokens('')).toEqual([]);
    expect(parseTokens(' , ,')).toEqual([]);
  });

  it('keeps plain tokens only as hashes, labelled by position, open to every tenant', () => {
    const entries = parseTokens(' alpha , beta');
    expect(entries.map((e) => [e.label, e.tenants])).toEqual([
      ['token#1', null],
      ['token#2', null],
    ]);
    expect(entries[0]?.hash.toString('hex')).toBe(hex('alpha'));
    expect(JSON.stringify(entries)).not.toContain('alpha');
  });

  it('accepts sha256: entries in either case, matched by the token that hashes to them', () => {
    const entries = parseTokens(`sha256:${hex('s3cret').toUpperCase()},plain`);
    expect(matchToken(entries, 's3cret')?.label).toBe('token#1');
    expect(matchToken(entries, 'plain')?.label).toBe('token#2');
    // The hash itself is not a token.
    expect(matchToken(entries, `sha256:${hex('s3cret')}`)).toBeNull();
    expect(matchToken(entries, 'S3CRET')).toBeNull();
    expect(matchToken(entries, '')).toBeNull();
  });

  it('restricts an entry to the tenants after @, separated by |, trimmed', () => {
    const [scoped, hashed] = parseTokens(`abc@Data Engineering | Analytics |,sha256:${hex('x')}@Finance`);
    expect(scoped?.tenants).toEqual(new Set(['Data Engineering', 'Analytics']));
    expect(hashed?.tenants).toEqual(new Set(['Finance']));
    expect(matchToken(parseTokens('abc@Data Engineering'), 'abc')?.tenants).toEqual(new Set(['Data Engineering']));
  });

  it('stops on a malformed entry with a message naming it and the problem', () => {
    expect(() => parseTokens('ok,sha256:abc')).toThrow(
      'INGEST_TOKENS: entry 2 has a malformed sha256: hash (expected 64 hex digits)',
    );
    expect(() => parseTokens(`sha256:${hex('x')}0`)).toThrow(/entry 1 has a malformed sha256: hash/);
    expect(() => parseTokens(`sha256:${'g'.repeat(64)}`)).toThrow(/entry 1 has a malformed sha256: hash/);
    expect(() => parseTokens('a,b,@Analytics')).toThrow('INGEST_TOKENS: entry 3 has no token');
  });
});

describe('matchToken', () => {
  it('finds the first entry whose hash the bearer token has, else null', () => {
    const entries = parseTokens('one@A,two,one@B');
    expect(matchToken(entries, 'two')?.label).toBe('token#2');
    expect(matchToken(entries, 'one')?.label).toBe('token#1');
    expect(matchToken(entries, 'three')).toBeNull();
    expect(matchToken([], 'one')).toBeNull();
  });
});

describe('named tokens and roles', () => {
  it('reads ingest:<name>=<token>[@tenants] as a named ingest token', () => {
    const [a, b] = parseTokens(`ingest:poller-eu=tok1@Finance|Ops, ingest:poller.us=sha256:${hex('tok2')}`);
    expect(a).toMatchObject({ label: 'poller-eu', role: 'ingest', tenants: new Set(['Finance', 'Ops']) });
    expect(b).toMatchObject({ label: 'poller.us', role: 'ingest', tenants: null });
    expect(
      matchToken(
        [a, b].filter((e) => e !== undefined),
        'tok2',
      )?.label,
    ).toBe('poller.us');
  });

  it('reads admin:<name>=<token>@tenants as admin of those tenants, without @ as admin of all', () => {
    const entries = parseTokens('admin:alice=a-secret@Finance|Data Engineering,admin:root=r-secret,plain');
    expect(entries.map((e) => [e.label, e.role, e.tenants])).toEqual([
      ['alice', 'admin', new Set(['Finance', 'Data Engineering'])],
      ['root', 'admin', null],
      ['token#3', 'ingest', null],
    ]);
    expect(matchToken(entries, 'a-secret')?.role).toBe('admin');
    expect(adminNamed(entries, 'root')?.label).toBe('root');
    expect(adminNamed(entries, 'token#3')).toBeNull();
    expect(adminNamed(entries, 'nobody')).toBeNull();
    expect(JSON.stringify(entries)).not.toContain('secret');
  });

  it('keeps bare entries as before: labelled by position among all entries', () => {
    const entries = parseTokens(`admin:root=r, bare@A, sha256:${hex('h')}`);
    expect(entries.map((e) => [e.label, e.role])).toEqual([
      ['root', 'admin'],
      ['token#2', 'ingest'],
      ['token#3', 'ingest'],
    ]);
  });

  it('refuses a repeated name, naming the entry', () => {
    expect(() => parseTokens('admin:ops=a,ingest:ops=b')).toThrow(
      'INGEST_TOKENS: entry 2 (ops) repeats the name "ops": token names must be unique',
    );
  });

  it('refuses a bad name, a missing token or a malformed hash in a named entry, naming it', () => {
    expect(() => parseTokens('admin:=x')).toThrow(/entry 1 has a bad name/);
    expect(() => parseTokens('ok,admin:has space=x')).toThrow(/entry 2 \(has space\) has a bad name/);
    expect(() => parseTokens(`ingest:${'n'.repeat(49)}=x`)).toThrow(/has a bad name/);
    expect(() => parseTokens('admin:root=')).toThrow('INGEST_TOKENS: entry 1 (root) has no token');
    expect(() => parseTokens('admin:root=@A')).toThrow('INGEST_TOKENS: entry 1 (root) has no token');
    expect(() => parseTokens('admin:root=sha256:abc')).toThrow(/entry 1 \(root\) has a malformed sha256: hash/);
  });
});
