import type { WindowCategory } from '@sla/shared';

/** Runtime copy of the categories (importing the shared zod enum would pull zod into the bundle). */
export const WINDOW_CATEGORY_LABEL: Record<WindowCategory, string> = {
  maintenance: 'Maintenance',
  deployment: 'Deployment',
  outside_business_hours: 'Outside business hours',
  other: 'Other',
};
export const WINDOW_CATEGORIES = Object.keys(WINDOW_CATEGORY_LABEL) as WindowCategory[];

/** A window's scope in words: "Data Engineering / PGM", "Finance / type table", "entity #12". */
export function scopeLabel(s: {
  tenantName: string;
  teamName: string | null;
  entityType: string | null;
  entityId: number | null;
}): string {
  const parts = [s.tenantName];
  if (s.teamName) parts.push(s.teamName);
  if (s.entityType) parts.push(`type ${s.entityType}`);
  if (s.entityId != null) parts.push(`entity #${s.entityId}`);
  return parts.join(' / ');
}

/** `<input type="datetime-local">` value (local time, minutes) for an ISO instant, and back. */
export function toLocalInput(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
export function fromLocalInput(v: string): string {
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? v : d.toISOString();
}

/** "Weekly on Sunday" style summary of the RRULEs people write most; anything else is shown as written. */
export function describeRrule(rrule: string | null): string {
  if (!rrule) return 'Once';
  const f = Object.fromEntries(
    rrule
      .replace(/^RRULE:/i, '')
      .split(';')
      .map((kv) => kv.split('=') as [string, string]),
  );
  const days: Record<string, string> = {
    MO: 'Monday',
    TU: 'Tuesday',
    WE: 'Wednesday',
    TH: 'Thursday',
    FR: 'Friday',
    SA: 'Saturday',
    SU: 'Sunday',
  };
  const interval = f.INTERVAL && f.INTERVAL !== '1' ? ` every ${f.INTERVAL}` : '';
  if (f.FREQ === 'DAILY') return `Daily${interval}`;
  if (f.FREQ === 'WEEKLY') {
    const on = (f.BYDAY ?? '')
      .split(',')
      .filter(Boolean)
      .map((d) => days[d] ?? d);
    return `Weekly${interval}${on.length ? ` on ${on.join(', ')}` : ''}`;
  }
  if (f.FREQ === 'MONTHLY') return `Monthly${interval}`;
  return rrule;
}
