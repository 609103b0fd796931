/**
 * PostgreSQL array literals (`{…}`) built by hand for set-based statements that take one
 * array per column (`unnest(?::text[], ?::float8[], …)`). PostgreSQL parses an array of
 * plain values several times faster than the same rows as a JSON recordset (no JSON
 * parse, no per-row object lookups), and building the literal here costs a third of what
 * the driver's generic array conversion does (which escapes every element).
 */

/** Quotes one element: backslash and double quote are the only characters that need escaping inside quotes. */
const quote = (s: string) => `"${s.replace(/["\\]/g, '\\$&')}"`;

const plain = (s: string | null) => s !== null && s !== undefined && !s.includes('"') && !s.includes('\\');

/** `text[]` literal; `null` elements become NULL. Any string is safe (quoted and escaped). */
export function textArray(values: readonly (string | null)[]): string {
  if (values.length === 0) return '{}';
  // The common case (no NULL, nothing to escape) in one join: several times faster than element by element.
  if (values.every(plain)) return `{"${values.join('","')}"}`;
  return `{${values.map((v) => (v === null || v === undefined ? 'NULL' : quote(v))).join(',')}}`;
}

/**
 * Numeric array literal (`float8[]`, `int[]`, `bigint[]`); `null` elements become NULL.
 * @throws RangeError on a non-finite number (PostgreSQL would read `NaN`/`Infinity` as
 *   values, which no caller means to store).
 */
export function numberArray(values: readonly (number | null)[]): string {
  let nulls = false;
  for (const v of values) {
    if (v === null || v === undefined) nulls = true;
    else if (!Number.isFinite(v)) throw new RangeError(`not a finite number: ${v}`);
  }
  return `{${(nulls ? values.map((v) => v ?? 'NULL') : values).join(',')}}`;
}

/** `boolean[]` literal. */
export const boolArray = (values: readonly boolean[]): string => `{${values.map((b) => (b ? 't' : 'f')).join(',')}}`;

/** `text[]` literal of JSON documents (cast each with `::jsonb`); `null` stays SQL NULL. */
export const jsonArray = (values: readonly (unknown | null)[]): string =>
  textArray(values.map((v) => (v === null || v === undefined ? null : JSON.stringify(v))));
