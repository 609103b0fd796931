import { isValidZone } from '../domain/budget/periods.js';

/**
 * The zone's name as the IANA database spells it (`europe/berlin` → `Europe/Berlin`), or null
 * when it is not a zone (`isValidZone`). Stored names are canonical, so two spellings of one
 * zone never make two settings.
 */
export function canonicalZone(zone: string): string | null {
  if (!isValidZone(zone)) return null;
  return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
}
