/**
 * A position in the change log as a resuming client holds it: `<epoch>:<change id>`,
 * e.g. `3f9a1c2b7d4e:30512`. The epoch names the log (a database restored from a backup
 * gets a new one), so a cursor from another log is refused instead of silently resuming
 * at the wrong place. A plain change id (`30512`) is still accepted and means "in the
 * current epoch".
 */
export type ChangeCursor = { epoch: string | null; id: number };

const CURSOR = /^(?:([0-9a-z]{1,32}):)?(0|[1-9][0-9]{0,15})$/;

/** `<epoch>:<id>`, as `cache.onChange` sends in its tracked ids. */
export const formatCursor = (epoch: string, id: number): string => `${epoch}:${id}`;

/** The cursor in `text`, or null when it is not one (not a number, wrong shape, beyond 2^53). */
export function parseCursor(text: string): ChangeCursor | null {
  const m = CURSOR.exec(text.trim());
  if (!m) return null;
  const id = Number(m[2]);
  if (!Number.isSafeInteger(id)) return null;
  return { epoch: m[1] ?? null, id };
}
