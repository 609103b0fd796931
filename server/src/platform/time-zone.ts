import { IANAZone } from 'luxon';

/**
 * Whether `zone` is an IANA time-zone name this runtime knows (`Europe/Berlin`, `UTC`,
 * `America/Argentina/Buenos_Aires`); offsets like `+02:00` and abbreviations like `CET` are not
 * zones (a fixed offset has no DST rules, which is what calendar periods need).
 */
export function isIanaZone(zone: string): boolean {
  return zone.length <= 64 && /^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(zone) && IANAZone.isValidZone(zone);
}

/**
 * The zone's name as the IANA database spells it (`europe/berlin` → `Europe/Berlin`), or null
 * when it is not a zone (`isIanaZone`). Stored names are canonical, so two spellings of one
 * zone never make two settings.
 */
export function canonicalZone(zone: string): string | null {
  if (!isIanaZone(zone)) return null;
  return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
}
