/** A timestamptz as the driver hands it (a Date, or the text PostgreSQL sent) → ISO-8601 UTC; null stays null. */
export const isoOrNull = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());
