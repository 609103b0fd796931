import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boolArray, jsonArray, numberArray, textArray } from '../../../src/db/pg-array.js';
import { PG_URL } from '../../support/app.js';

/** Array literals as ingest sends them: what PostgreSQL reads back must be exactly what was sent. */
describe('PostgreSQL array literals', () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
  });
  const roundTrip = async <T>(literal: string, type: string): Promise<T[]> =>
    (
      await client.query<{ v: T }>(`SELECT v FROM unnest($1::${type}[]) WITH ORDINALITY AS u(v, i) ORDER BY i`, [
        literal,
      ])
    ).rows.map((r) => r.v);

  it('carries any text, NULL and the empty string', async () => {
    const values = [
      'plain',
      '',
      'NULL',
      'null',
      'quote " and \\ backslash',
      '{braces}, commas',
      ' spaced ',
      'ünïcödé 😀',
      null,
    ];
    expect(await roundTrip<string | null>(textArray(values), 'text')).toEqual(values);
    expect(await roundTrip<string>(textArray(['a', 'b']), 'text')).toEqual(['a', 'b']);
    expect(await roundTrip<string>(textArray([]), 'text')).toEqual([]);
  });

  it('carries numbers exactly (float8 and bigint) and NULL, and refuses non-finite ones', async () => {
    const floats = [0, -0.5, 95.5, 0.1 + 0.2, 1e-7, 123456789.123, Number.MAX_VALUE, null];
    expect(await roundTrip<number | null>(numberArray(floats), 'float8')).toEqual(floats);
    const ms = [253402300799999, -62135596800000, 0];
    expect((await roundTrip<string>(numberArray(ms), 'bigint')).map(Number)).toEqual(ms);
    expect(() => numberArray([1, Number.NaN])).toThrow(RangeError);
    expect(() => numberArray([Number.POSITIVE_INFINITY])).toThrow(RangeError);
  });

  it('carries booleans and JSON documents', async () => {
    expect(await roundTrip<boolean>(boolArray([true, false]), 'boolean')).toEqual([true, false]);
    const docs = [{ a: 'x "y" \\ z', n: [1, 2], nested: { ok: true } }, null, 'text', 3];
    expect(
      (
        await client.query<{ v: unknown }>(
          'SELECT v::jsonb AS v FROM unnest($1::text[]) WITH ORDINALITY AS u(v, i) ORDER BY i',
          [jsonArray(docs)],
        )
      ).rows.map((r) => r.v),
    ).toEqual(docs);
  });
});
