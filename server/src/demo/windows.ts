import type { WindowCategory } from '@sla/shared';
import type { Sql } from '../db/sql.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export type DemoWindow = {
  tenantName: string;
  teamName: string | null;
  category: WindowCategory;
  reason: string;
  start: Date;
  end: Date;
  rrule: string | null;
};

/**
 * The demo's maintenance windows, relative to `now`: a weekly one (Sundays 02:00–04:00 UTC
 * since before the seeded history), a one-off deployment over the start of the Billing
 * incident (history.ts), so reports show excluded minutes, and one running now, so the
 * dashboard shows entities "in maintenance".
 */
export function demoWindows(now: number): DemoWindow[] {
  const day0 = Math.floor(now / DAY) * DAY - 40 * DAY;
  const sunday = day0 + ((7 - new Date(day0).getUTCDay()) % 7) * DAY;
  const billing = now - 9 * DAY;
  const hourNow = Math.floor(now / HOUR) * HOUR;
  return [
    {
      tenantName: 'Data Engineering',
      teamName: 'Warehouse',
      category: 'maintenance',
      reason: 'Weekly warehouse vacuum',
      start: new Date(sunday + 2 * HOUR),
      end: new Date(sunday + 4 * HOUR),
      rrule: 'FREQ=WEEKLY;BYDAY=SU',
    },
    {
      tenantName: 'Finance',
      teamName: 'Billing',
      category: 'deployment',
      reason: 'Billing platform migration',
      start: new Date(billing - HOUR),
      end: new Date(billing + 4 * HOUR),
      rrule: null,
    },
    {
      tenantName: 'Marketing Analytics',
      teamName: 'CRM',
      category: 'maintenance',
      reason: 'CRM vendor upgrade',
      start: new Date(hourNow - HOUR),
      end: new Date(hourNow + 3 * HOUR),
      rrule: null,
    },
  ];
}

/** Writes the demo windows (inside the seed's transaction, before any pod reads policy). */
export async function insertDemoWindows(sql: Sql, now: number): Promise<number> {
  const rows = demoWindows(now);
  for (const w of rows)
    await sql(
      `INSERT INTO sla_maintenance_window (tenant_name, team_name, entity_type, entity_id, category, reason, start, "end",
         rrule, time_zone, until, created_by, created_at, updated_at)
       VALUES (?, ?, NULL, NULL, ?, ?, ?, ?, ?, 'UTC', NULL, 'demo-seed', now(), now())`,
      [w.tenantName, w.teamName, w.category, w.reason, w.start, w.end, w.rrule],
    );
  return rows.length;
}
