import { ZWindowCategory } from '@sla/shared';
import { z } from 'zod';

/** Longest reason kept with a window. */
export const MAX_REASON = 500;
/** Longest range `windows.occurrences` expands. */
export const MAX_OCCURRENCE_DAYS = 400;

const instant = (field: string) =>
  z.iso.datetime({
    offset: true,
    error: `${field}: expected an ISO 8601 date-time with a zone, e.g. 2026-12-05T02:00:00Z`,
  });

/** The fields a window is written with (create; update takes any of them). */
const windowFields = {
  tenantName: z.string().min(1).max(256),
  teamName: z.string().min(1).max(256).nullable(),
  entityType: z.string().min(1).max(64).nullable(),
  entityId: z.number().int().positive().nullable(),
  category: ZWindowCategory,
  reason: z.string().max(MAX_REASON, `reason: at most ${MAX_REASON} characters`),
  start: instant('start'),
  end: instant('end'),
  /** RFC 5545 RRULE value (e.g. `FREQ=WEEKLY;BYDAY=SA`), repeating from `start` in `timeZone`. */
  rrule: z.string().max(1000).nullable(),
  /** IANA zone of `rrule`'s local times; default: the tenant's time zone. */
  timeZone: z.string().min(1).max(64),
  until: instant('until').nullable(),
};

/** `windows.create` / `POST /api/windows`. */
export const ZWindowCreate = z.object({
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

const id = z.coerce.number().int().positive();

/** `windows.update` / `PATCH /api/windows/{id}`: the fields given replace the window's. */
export const ZWindowUpdate = z.object({ id, ...z.object(windowFields).partial().shape });
export type WindowUpdate = z.infer<typeof ZWindowUpdate>;

export const ZWindowId = z.object({ id });

/** A boolean that a query string may also give as `true` / `false`. */
const flag = z.preprocess(
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
  entityId: z.coerce.number().int().positive().optional(),
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
