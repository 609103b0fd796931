/** Separates tenant and team in a team field; a control character no name contains. */
export const TEAM_SEPARATOR = '\u001f';

/** The field naming one team in the stores' per-team counts: `tenant\u001fteam`. */
export const teamField = (tenantName: string, teamName: string): string => `${tenantName}${TEAM_SEPARATOR}${teamName}`;

/**
 * The tenant and team of a team field.
 * @throws Error when the field has no separator.
 */
export function parseTeamField(field: string): { tenantName: string; teamName: string } {
  const at = field.indexOf(TEAM_SEPARATOR);
  if (at < 0) throw new Error(`malformed team field ${JSON.stringify(field)}`);
  return { tenantName: field.slice(0, at), teamName: field.slice(at + 1) };
}
