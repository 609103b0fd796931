/** Body of the example update in the original design; the empty state shows it verbatim. */
export const FIRST_UPDATE = {
  entityName: 'user_activity_table',
  entityType: 'table',
  teamName: 'PGM',
  tenantName: 'Data Engineering',
  currentSla: 95.5,
  status: 'Passed',
} as const;

/** A command a new user can paste to push a first result to this very server. */
export function firstUpdateCurl(origin: string): string {
  return `curl -X POST ${origin}/api/cache/incremental-update -H 'content-type: application/json' -d '${JSON.stringify(FIRST_UPDATE)}'`;
}
