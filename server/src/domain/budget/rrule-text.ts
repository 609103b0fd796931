/**
 * Validation of a maintenance window's recurrence rule: one RFC 5545 RRULE value (an optional
 * `RRULE:` prefix allowed) without DTSTART or TZID, since the window's `start` and `timeZone`
 * stand for them. rrule's own parser accepts too much (an unknown FREQ parses as no FREQ, a
 * DTSTART inside the rule is taken), so the parts are checked here first.
 */
import { RRule } from './rrule-lib.js';

// MINUTELY and SECONDLY are refused: rrule walks every occurrence from the start on each query,
// so a minutely rule running for a year would cost half a million steps per expansion.
const FREQS = ['YEARLY', 'MONTHLY', 'WEEKLY', 'DAILY', 'HOURLY'];
const WEEKDAY = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/;
const NUMBERS = /^[+-]?\d{1,3}(,[+-]?\d{1,3})*$/;
const PART_CHECKS: Record<string, (v: string) => string | null> = {
  FREQ: (v) => (FREQS.includes(v) ? null : `FREQ must be one of ${FREQS.join(', ')} (got ${v})`),
  UNTIL: (v) => (/^\d{8}(T\d{6}Z?)?$/.test(v) ? null : `UNTIL must look like 20261231T235959Z (got ${v})`),
  COUNT: (v) => (/^[1-9]\d{0,5}$/.test(v) ? null : `COUNT must be a positive integer (got ${v})`),
  INTERVAL: (v) => (/^[1-9]\d{0,5}$/.test(v) ? null : `INTERVAL must be a positive integer (got ${v})`),
  BYDAY: (v) =>
    v.split(',').every((d) => WEEKDAY.test(d)) ? null : `BYDAY must list days like MO,TU or -1SU (got ${v})`,
  WKST: (v) => (/^(MO|TU|WE|TH|FR|SA|SU)$/.test(v) ? null : `WKST must be a weekday like MO (got ${v})`),
};
for (const k of ['BYSECOND', 'BYMINUTE', 'BYHOUR', 'BYMONTHDAY', 'BYYEARDAY', 'BYWEEKNO', 'BYMONTH', 'BYSETPOS']) {
  PART_CHECKS[k] = (v) => (NUMBERS.test(v) ? null : `${k} must be a comma-separated list of integers (got ${v})`);
}

/** The rule without an `RRULE:` prefix, upper-cased and trimmed. */
export const normalizeRrule = (text: string): string =>
  text
    .trim()
    .replace(/^RRULE:/i, '')
    .toUpperCase();

/**
 * Null when `text` is a usable recurrence rule, else a message naming the problem (for a 400
 * on the `rrule` field): not one line, a DTSTART or TZID given, a part not `NAME=VALUE`, an
 * unknown or repeated part, FREQ missing or unsupported (MINUTELY and SECONDLY are refused: a
 * window repeats at most hourly), a malformed value, COUNT with UNTIL, or a rule rrule cannot expand.
 */
export function validateRrule(text: string): string | null {
  if (/[\r\n]/.test(text.trim())) return 'rrule must be a single RRULE line (no DTSTART, RDATE or EXDATE lines)';
  const rule = normalizeRrule(text);
  if (rule === '') return 'rrule must not be empty (e.g. FREQ=WEEKLY;BYDAY=SU)';
  if (/DTSTART/.test(rule)) return "rrule must not contain DTSTART: the window's start is where it repeats from";
  if (/TZID/.test(rule)) return "rrule must not contain TZID: the window's timeZone applies";
  const seen = new Set<string>();
  for (const part of rule.split(';')) {
    const m = /^([A-Z]+)=(.+)$/.exec(part);
    if (!m) return `rrule part ${JSON.stringify(part)} is not NAME=VALUE`;
    const [, name, value] = m as unknown as [string, string, string];
    const check = PART_CHECKS[name];
    if (!check) return `rrule part ${name} is not supported`;
    if (seen.has(name)) return `rrule part ${name} is given twice`;
    seen.add(name);
    const problem = check(value);
    if (problem) return `rrule ${problem}`;
  }
  if (!seen.has('FREQ')) return 'rrule must have FREQ (e.g. FREQ=WEEKLY;BYDAY=SU)';
  if (seen.has('COUNT') && seen.has('UNTIL')) return 'rrule must not have both COUNT and UNTIL';
  try {
    new RRule({ ...RRule.parseString(rule), dtstart: new Date(0) }).after(new Date(0), true);
  } catch (e) {
    return `rrule cannot be expanded: ${e instanceof Error ? e.message : String(e)}`;
  }
  return null;
}
