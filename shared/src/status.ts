import { z } from 'zod';

/** SLA states an entity can be in. Case-sensitive on the wire. */
export const STATUSES = ['Passed', 'Failed', 'AtRisk', 'NoData'] as const;
export const ZStatus = z.enum(STATUSES, {
  error: (issue) => `status must be one of ${STATUSES.join(', ')} (got ${JSON.stringify(issue.input)})`,
});
export type Status = z.infer<typeof ZStatus>;

/** Entity types the dashboard draws with their own icon; any lowercase identifier is accepted. */
export const KNOWN_ENTITY_TYPES = ['table', 'job', 'pipeline', 'dashboard', 'report'] as const;
export const ZEntityType = z
  .string()
  .max(64, 'entityType must be at most 64 characters')
  .regex(/^[a-z][a-z0-9_]*$/, 'entityType must be a lowercase identifier such as "table" or "job"');

export type StatusCounts = Record<Status, number>;
export const emptyStatusCounts = (): StatusCounts => ({ Passed: 0, Failed: 0, AtRisk: 0, NoData: 0 });
