import type { EntityListInput, Status } from '@sla/shared';
import { DEFAULT_DIR, SORT_FIELDS, type SortDir, type SortField, STATUSES } from './constants';

/** Everything that defines a view of the entity table; it lives in the query string. */
export type TableState = {
  tenant?: string;
  team?: string;
  type?: string;
  status?: Status;
  stale?: boolean;
  q?: string;
  sort: SortField;
  dir: SortDir;
  page: number;
  size: number;
};

export const PAGE_SIZES = [25, 50, 100, 200] as const;
export const DEFAULT_TABLE: TableState = { sort: 'slaGap', dir: 'desc', page: 1, size: 50 };

const oneOf = <T extends string>(values: readonly T[], v: string | null): T | undefined =>
  v !== null && (values as readonly string[]).includes(v) ? (v as T) : undefined;
const text = (v: string | null): string | undefined => (v === null || v.trim() === '' ? undefined : v);

/** Reads a query string; unknown or malformed values fall back to defaults instead of failing. */
export function parseTableState(search: string | URLSearchParams): TableState {
  const p = typeof search === 'string' ? new URLSearchParams(search) : search;
  const page = Number.parseInt(p.get('page') ?? '', 10);
  const size = Number.parseInt(p.get('size') ?? '', 10);
  const state: TableState = {
    sort: oneOf(SORT_FIELDS, p.get('sort')) ?? DEFAULT_TABLE.sort,
    dir: oneOf(['asc', 'desc'] as const, p.get('dir')) ?? DEFAULT_TABLE.dir,
    page: Number.isFinite(page) && page >= 1 ? page : 1,
    size: (PAGE_SIZES as readonly number[]).includes(size) ? size : DEFAULT_TABLE.size,
  };
  const tenant = text(p.get('tenant'));
  const team = text(p.get('team'));
  const type = text(p.get('type'));
  const status = oneOf(STATUSES, p.get('status'));
  const q = text(p.get('q'));
  if (tenant) state.tenant = tenant;
  if (team) state.team = team;
  if (type) state.type = type;
  if (status) state.status = status;
  if (p.get('stale') === '1') state.stale = true;
  if (q) state.q = q;
  return state;
}

/** The shortest query string for a state (defaults omitted), in a stable key order. */
export function serializeTableState(s: TableState): string {
  const p = new URLSearchParams();
  if (s.tenant) p.set('tenant', s.tenant);
  if (s.team) p.set('team', s.team);
  if (s.type) p.set('type', s.type);
  if (s.status) p.set('status', s.status);
  if (s.stale) p.set('stale', '1');
  if (s.q) p.set('q', s.q);
  if (s.sort !== DEFAULT_TABLE.sort || s.dir !== DEFAULT_TABLE.dir) {
    p.set('sort', s.sort);
    p.set('dir', s.dir);
  }
  if (s.page !== 1) p.set('page', String(s.page));
  if (s.size !== DEFAULT_TABLE.size) p.set('size', String(s.size));
  return p.toString();
}

/** Link to the table for a filter; used by the overview's drill-downs. */
export function tableHref(filter: Partial<Omit<TableState, 'sort' | 'dir' | 'page' | 'size'>>): string {
  const qs = serializeTableState({ ...DEFAULT_TABLE, ...filter });
  return qs ? `/entities?${qs}` : '/entities';
}

type Filters = Pick<TableState, 'tenant' | 'team' | 'type' | 'status' | 'stale' | 'q'>;

/** Applies filter edits; any filter change returns to page 1 so the user never lands past the end. */
export function withFilters(s: TableState, patch: Partial<Filters>): TableState {
  const next: TableState = { ...s, ...patch, page: 1 };
  // A team belongs to a tenant: switching tenant drops a team that may not exist there.
  if ('tenant' in patch && patch.tenant !== s.tenant && !('team' in patch)) delete next.team;
  for (const k of ['tenant', 'team', 'type', 'status', 'stale', 'q'] as const) {
    if (next[k] === undefined || next[k] === '' || next[k] === false) delete next[k];
  }
  return next;
}

/** Clicking the sorted column flips it; a new column starts in its most useful direction. */
export function toggleSort(s: TableState, field: SortField): TableState {
  const dir: SortDir = s.sort === field ? (s.dir === 'asc' ? 'desc' : 'asc') : DEFAULT_DIR[field];
  return { ...s, sort: field, dir, page: 1 };
}

export function pageCount(total: number, size: number): number {
  return Math.max(1, Math.ceil(total / size));
}

export function toListInput(s: TableState): EntityListInput {
  const input: EntityListInput = { sort: s.sort, dir: s.dir, offset: (s.page - 1) * s.size, limit: s.size };
  if (s.tenant) input.tenantName = s.tenant;
  if (s.team) input.teamName = s.team;
  if (s.type) input.entityType = s.type;
  if (s.status) input.status = s.status;
  if (s.stale) input.stale = true;
  if (s.q) input.q = s.q;
  return input;
}
