/**
 * The example update of the original design: the OpenAPI document shows it and the dashboard's
 * empty state offers it as a curl command to paste. It lives apart from the zod schemas so the
 * dashboard can import it (`@sla/shared/example`) without bundling zod.
 */
export const EXAMPLE_UPDATE = {
  entityName: 'user_activity_table',
  entityType: 'table',
  teamName: 'PGM',
  tenantName: 'Data Engineering',
  currentSla: 95.5,
  status: 'Passed',
} as const;
