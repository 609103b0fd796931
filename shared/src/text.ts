import { z } from 'zod';

/**
 * What a string or an instant must be for PostgreSQL to store it and for every reader to
 * get it back unchanged. Every input schema builds its strings and dates from these, so a
 * value PostgreSQL would refuse (a 500 after the fact) is a 400 naming the field instead.
 */

/** Longest filter value accepted: a filter longer than any stored name can match nothing. */
export const MAX_FILTER_LENGTH = 256;

/** C0 and C1 control characters (U+0000–U+001F, U+007F–U+009F). */
export const hasControlCharacter = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
};

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * False when `s` holds a lone UTF-16 surrogate: such a string has no UTF-8 form, so
 * PostgreSQL refuses it in JSON ("Unicode low surrogate must follow a high surrogate") and
 * a text parameter would silently become U+FFFD. `String.prototype.isWellFormed` (ES2024,
 * Node 20) where present; the pattern for older browsers bundling this file.
 */
export const isWellFormed = (s: string): boolean => {
  const native = (s as { isWellFormed?: () => boolean }).isWellFormed;
  return typeof native === 'function' ? native.call(s) : !LONE_SURROGATE.test(s);
};

/** The problem with a name or filter value, or null: no control characters, no lone surrogates. */
export function textProblem(field: string, s: string): string | null {
  if (hasControlCharacter(s)) return `${field} must not contain control characters (U+0000–U+001F, U+007F–U+009F)`;
  if (!isWellFormed(s)) return `${field} must be valid Unicode (it holds an unpaired UTF-16 surrogate)`;
  return null;
}

/** A string schema that refuses control characters and lone surrogates, naming `field`. */
export const cleanText = <T extends z.ZodString>(field: string, schema: T): T =>
  schema.superRefine((s, ctx) => {
    const problem = textProblem(field, s);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }) as T;

/**
 * An optional filter (tenant, team, type, search text): at most 256 characters, no control
 * characters, no lone surrogates. Kept a plain ZodString so OpenAPI documents it as a
 * query parameter.
 */
export const filterText = (field: string) =>
  cleanText(
    field,
    z
      .string({ error: `${field} must be a string` })
      .max(MAX_FILTER_LENGTH, `${field} must be at most ${MAX_FILTER_LENGTH} characters`),
  ).optional();

/**
 * The instants an ISO 8601 date-time may denote once converted to UTC: years 0001–9999.
 * PostgreSQL's timestamptz reaches further (4713 BC to 294276 AD), but the service writes
 * instants as `Date.prototype.toISOString()`, which gives year 0 as "0000" (PostgreSQL has
 * no year 0) and years past 9999 as "+010000" (which PostgreSQL cannot parse); inside this
 * range the text round-trips exactly through both.
 */
export const MIN_INSTANT_MS = Date.parse('0001-01-01T00:00:00.000Z');
export const MAX_INSTANT_MS = Date.parse('9999-12-31T23:59:59.999Z');

/** An ISO 8601 date-time with an offset whose UTC instant PostgreSQL and JavaScript both store exactly. */
export const instant = (field: string) =>
  z.iso.datetime({ offset: true, abort: true, error: `${field} must be an ISO 8601 date-time` }).refine((s) => {
    const t = Date.parse(s);
    return t >= MIN_INSTANT_MS && t <= MAX_INSTANT_MS;
  }, `${field} must lie between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z once converted to UTC`);

/**
 * A whole number in `[min, max]`, given as a JSON number or — from a query string or a path —
 * as decimal digits only. `z.coerce.number()` would also take `0x10`, `1e1`, `+11` or ` 7`
 * and act on another id than the one the caller meant (a PATCH of `/api/windows/0x10`
 * changed window 16).
 */
export const wholeNumber = (field: string, min: number, max: number) =>
  z
    .union(
      [
        z.number(),
        z
          .string()
          .regex(/^-?\d{1,16}$/)
          .transform(Number),
      ],
      { error: `${field} must be a whole number` },
    )
    .pipe(
      z
        .number()
        .int(`${field} must be a whole number`)
        .min(min, `${field} must be at least ${min}`)
        .max(max, `${field} must be at most ${max}`),
    );
