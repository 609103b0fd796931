import type { IncomingMessage } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { AnswerCache, etagOf, isCurrent, matchesEtag } from '../../../src/http/answer-cache.js';
import { COMPRESS_MIN_BYTES, chooseCoding, compressBody } from '../../../src/http/compress.js';
import type { Plan } from '../../../src/http/hot-plan.js';

const req = (acceptEncoding?: string) =>
  ({ headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } }) as IncomingMessage;

const plan: Plan = {
  wire: 'trpc',
  calls: [{ procedure: 'entities.list', input: undefined }],
  route: '/trpc',
  counted: 1,
};

describe('AnswerCache', () => {
  it('answers only under the second and read versions the answer was computed with', () => {
    const c = new AnswerCache();
    const a = c.set('/x', plan, 100, ['v1'], Buffer.from('{"a":1}'));
    expect(c.get('/x', 100, ['v1'])).toBe(a);
    expect(c.get('/x', 100, ['v2'])).toBeUndefined();
    expect(c.get('/x', 101, ['v1'])).toBeUndefined();
    expect(c.get('/x', 100, ['v1', 'v1'])).toBeUndefined();
    expect(c.get('/y', 100, ['v1'])).toBeUndefined();
    expect(isCurrent(a, 100, ['v1'])).toBe(true);
    expect(isCurrent(a, 100, [null])).toBe(false);
    expect(c.latest('/x')).toBe(a);
  });

  it('keeps at most max URLs, dropping the one stored longest ago', () => {
    const c = new AnswerCache(2);
    c.set('/a', plan, 1, ['k'], Buffer.from('a'));
    c.set('/b', plan, 1, ['k'], Buffer.from('b'));
    // A URL in use is stored again once its second or version moves on.
    c.set('/a', plan, 2, ['k'], Buffer.from('a'));
    c.set('/c', plan, 2, ['k'], Buffer.from('c'));
    expect(c.size).toBe(2);
    expect(c.latest('/b')).toBeUndefined();
    expect(c.get('/a', 2, ['k'])).toBeDefined();
  });
});

describe('ETags', () => {
  it('differ when the bytes differ and match in lists and weakly', () => {
    const e = etagOf(Buffer.from('one'));
    expect(e).not.toBe(etagOf(Buffer.from('two')));
    expect(e).toBe(etagOf(Buffer.from('one')));
    expect(matchesEtag(e, e)).toBe(true);
    expect(matchesEtag(`"other", W/${e}`, e)).toBe(true);
    expect(matchesEtag('*', e)).toBe(true);
    expect(matchesEtag('"other"', e)).toBe(false);
    expect(matchesEtag(undefined, e)).toBe(false);
  });
});

describe('compression', () => {
  const big = Buffer.from(JSON.stringify({ items: Array.from({ length: 200 }, (_, i) => ({ id: i, name: `e${i}` })) }));

  it('negotiates brotli first, then gzip, honouring q-values; nothing below 1 kB or without the header', () => {
    expect(chooseCoding(req('gzip, deflate, br'), big.length)).toBe('br');
    expect(chooseCoding(req('gzip'), big.length)).toBe('gzip');
    expect(chooseCoding(req('br;q=0, gzip'), big.length)).toBe('gzip');
    expect(chooseCoding(req('gzip;q=0, br;q=0'), big.length)).toBeUndefined();
    expect(chooseCoding(req('deflate'), big.length)).toBeUndefined();
    expect(chooseCoding(req(), big.length)).toBeUndefined();
    expect(chooseCoding(req('gzip'), COMPRESS_MIN_BYTES - 1)).toBeUndefined();
  });

  it('compressed bodies decode to the same bytes', () => {
    expect(gunzipSync(compressBody(big, 'gzip')).equals(big)).toBe(true);
    expect(brotliDecompressSync(compressBody(big, 'br')).equals(big)).toBe(true);
  });
});
