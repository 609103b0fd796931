/**
 * PostgreSQL array literals (`{…}`) built by hand for set-based statements that take one
 * array per column (`unnest(?::text[], ?::float8[], …)`). PostgreSQL parses an array of
 * plain values several times faster than the same rows as a JSON recordset (no JSON
 * parse, no per-row object lookups), and building the literal here costs a third of what
 * the driver's generic array conversion does (which escapes every element).
 */

/** Quotes one element: backslash and double quote are the only characters that need escaping inside quotes. */
const quote = (s: string) => `"${/["\\]/.test(s) ? s.replace(/["\\]/g, '\\$&') : s}"`;

/** `text[]` literal; `null` elements become NULL. Any string is safe (quoted and escaped). */
export function textArray(values: readonly (string | null)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ',';
    out += v === null || v === undefined ? 'NULL' : quote(v);
  }
  return `${out}}`;
}

/**
 * Numeric array literal (`float8[]`, `int[]`, `bigint[]`); `null` elements become NULL.
 * @throws RangeError on a non-finite number (PostgreSQL would read `NaN`/`Infinity` as
 *   values, which no caller means to store).
 */
export function numberArray(values: readonly (number | null)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ',';
    if (v === null || v === undefined) out += 'NULL';
    else if (Number.isFinite(v)) out += String(v);
    else throw new RangeError(`not a finite number: ${v}`);
  }
  return `${out}}`;
}

/** `boolean[]` literal. */
export const boolArray = (values: readonly boolean[]): string => `{${values.map((b) => (b ? 't' : 'f')).join(',')}}`;

/** `text[]` literal of JSON documents (cast each with `::jsonb`); `null` stays SQL NULL. */
export const jsonArray = (values: readonly (unknown | null)[]): string =>
  textArray(values.map((v) => (v === null || v === undefined ? null : JSON.stringify(v))));
