/** The token of an `Authorization: Bearer <token>` header, or null when there is none. */
export function bearerOf(header: string | undefined): string | null {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return m?.[1]?.trim() || null;
}
