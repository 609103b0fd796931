import { cleanText, instant, wholeNumber, ZWindowCategory } from '@sla/shared';
import { z } from 'zod';
import { canonicalZone } from '../platform/time-zone.js';

/** Longest reason kept with a window. */
export const MAX_REASON = 500;
/** Longest range `windows.occurrences` expands. */
export const MAX_OCCURRENCE_DAYS = 400;

/** Text without control characters or lone surrogates (shared `cleanText`), naming the field. */
const text = (field: string, min: number, max: number) =>
  cleanText(field, z.string().min(min, `${field} must not be empty`).max(max, `${field}: at most ${max} characters`));

/** The fields a window is written with (create; update takes any of them). */
const windowFields = {
  tenantName: text('tenantName', 1, 256),
  teamName: text('teamName', 1, 256).nullable(),
  entityType: text('entityType', 1, 64).nullable(),
  entityId: z.number().int().positive().nullable(),
  category: ZWindowCategory,
  reason: text('reason', 0, MAX_REASON),
  start: instant('start'),
  end: instant('end'),
  /** RFC 5545 RRULE value (e.g. `FREQ=WEEKLY;BYDAY=SA`), repeating from `start` in `timeZone`. */
  rrule: text('rrule', 1, 1000).nullable(),
  /** IANA zone of `rrule`'s local times; default: the tenant's time zone. */
  // Stored as the IANA database spells it (`europe/berlin` → `Europe/Berlin`); an unknown zone is refused later, naming the field.
  timeZone: text('timeZone', 1, 64).transform((zone) => canonicalZone(zone) ?? zone),
  until: instant('until').nullable(),
};

/** `windows.create` / `POST /api/windows`. */
export const ZWindowCreate = z.strictObject({
  ...windowFields,
  teamName: windowFields.teamName.default(null),
  entityType: windowFields.entityType.default(null),
  entityId: windowFields.entityId.default(null),
  reason: windowFields.reason.default(''),
  rrule: windowFields.rrule.default(null),
  timeZone: windowFields.timeZone.optional(),
  until: windowFields.until.default(null),
});
export type WindowCreate = z.infer<typeof ZWindowCreate>;

const id = wholeNumber('id', 1, 2_147_483_647);

/** `windows.update` / `PATCH /api/windows/{id}`: the fields given replace the window's. */
export const ZWindowUpdate = z.strictObject({ id, ...z.object(windowFields).partial().shape });
export type WindowUpdate = z.infer<typeof ZWindowUpdate>;

export const ZWindowId = z.object({ id });

/** A boolean that a query string may also give as `true` / `false`. */
export const flag = z.preprocess(
  (v) => (v === 'true' ? true : v === 'false' ? false : v),
  z.boolean({ error: 'expected true or false' }),
);

/** `windows.list` / `GET /api/windows`. */
export const ZWindowList = z.object({
  tenantName: z.string().min(1).max(256).optional(),
  /** Also windows whose last occurrence has ended. */
  includeEnded: flag.default(false),
});

/** `windows.occurrences` / `GET /api/windows/occurrences`; `from`/`to` default to 30 days either side of now. */
export const ZOccurrencesInput = z.object({
  tenantName: z.string().min(1).max(256).optional(),
  entityId: wholeNumber('entityId', 1, 2_147_483_647).optional(),
  from: instant('from').optional(),
  to: instant('to').optional(),
});

/** One occurrence of a window, for chart shading. */
export const ZOccurrence = z.object({
  windowId: z.number().int(),
  start: z.string(),
  end: z.string(),
  category: ZWindowCategory,
});
