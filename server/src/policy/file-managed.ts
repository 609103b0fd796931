import type { Sql } from '../db/sql.js';
import { AppError } from '../platform/errors.js';

/**
 * Refuses an API change to a window (by id) or a tenant's settings (by tenant) that the rules
 * file manages (`sla_config_object`, written by config-file/): the file would undo it on its
 * next apply, so the change belongs in the file. Run inside the change's transaction.
 * @throws AppError CONFLICT (409, as alert rules and channels the file manages) naming the object and where to change it.
 */
export async function assertNotFileManaged(sql: Sql, kind: 'windows' | 'tenants', id: string, what: string) {
  const column = kind === 'windows' ? 'object_id' : 'key';
  const [row] = await sql<{ key: string }>(`SELECT key FROM sla_config_object WHERE kind = ? AND ${column} = ?`, [
    kind,
    id,
  ]);
  if (row)
    throw new AppError(
      'CONFLICT',
      `${what} is managed by the rules file (${kind}: ${JSON.stringify(row.key)}): change it there and reload; it is read-only here`,
    );
}
