import type { EntityListInput, Status } from '@sla/shared';

// Runtime copies of shared enums: importing them from @sla/shared would pull zod into the
// bundle. The checks below fail type-checking if shared gains a value these lack.
export const STATUSES = ['Passed', 'Failed', 'AtRisk', 'NoData'] as const satisfies readonly Status[];
export type SortField = NonNullable<EntityListInput['sort']>;
export const SORT_FIELDS = [
  'slaGap',
  'currentSla',
  'entityName',
  'status',
  'updatedAt',
  'observedAt',
] as const satisfies readonly SortField[];
export type SortDir = 'asc' | 'desc';

type Exhaustive<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : never;
const statusesComplete: Exhaustive<Status, (typeof STATUSES)[number]> = true;
const sortFieldsComplete: Exhaustive<SortField, (typeof SORT_FIELDS)[number]> = true;
void statusesComplete;
void sortFieldsComplete;

export const STATUS_LABEL: Record<Status, string> = {
  Passed: 'Passed',
  Failed: 'Failed',
  AtRisk: 'At risk',
  NoData: 'No data',
};

export const SORT_LABEL: Record<SortField, string> = {
  slaGap: 'Gap to target',
  currentSla: 'SLA %',
  entityName: 'Name',
  status: 'Status',
  updatedAt: 'Updated',
  observedAt: 'Observed',
};

/** Direction that puts the most interesting rows first when a column is first sorted. */
export const DEFAULT_DIR: Record<SortField, SortDir> = {
  slaGap: 'desc',
  currentSla: 'asc',
  entityName: 'asc',
  status: 'asc',
  updatedAt: 'desc',
  observedAt: 'desc',
};
