import { recordAudit } from '../audit/record.js';
import type { Db, Sql } from '../db/sql.js';
import { AppError, unknownTenant } from '../platform/errors.js';
import type { ScopeView } from '../policy/scope.js';
import type { Admin } from '../trpc/context.js';
import type { ChannelDeps } from './channels/deps.js';
import type { SecretBox } from './secrets.js';

/** What the alerting API is built from (handed in by the composition root). */
export type AlertApiDeps = {
  db: Pick<Db, 'sql' | 'tx'>;
  /** The pod's view: tenants, teams, entity types and entities a scope may name. */
  view: ScopeView;
  /** False until the pod's view is loaded: scopes cannot be checked before. */
  loaded: () => boolean;
  /** Sending (the target guard, Slack host, timeout) for write checks and "send test". */
  channel: ChannelDeps;
  /** Seals channel secrets; null without ALERT_SECRET_KEY (channels with a secret are refused). */
  box: SecretBox | null;
  /** The rules file (CONFIG_FILE) named in the 409 for objects it manages; null when unset. */
  configFile?: string | null;
};

/** @throws AppError UNAVAILABLE (503, retry in 2 s) while the view is loading: scopes cannot be checked yet. */
export function assertLoaded(d: Pick<AlertApiDeps, 'loaded'>): void {
  if (!d.loaded()) throw new AppError('UNAVAILABLE', 'The cache is still loading; retry shortly', 2);
}

/**
 * Refuses a read filtered by a tenant the pod's view does not know, as the windows list and
 * reports do (an empty list would look like a tenant without alerts). No filter: passes.
 * @throws AppError NOT_FOUND naming `tenantName`; UNAVAILABLE while the view is loading.
 */
export function assertTenantKnown(d: Pick<AlertApiDeps, 'view' | 'loaded'>, tenantName: string | undefined): void {
  if (tenantName === undefined) return;
  assertLoaded(d);
  if (!d.view.tenants.has(tenantName)) throw unknownTenant(tenantName);
}

/**
 * Refuses a change to an object the rules file declares: the file is its source of truth,
 * and the next reload would undo an API change.
 * @throws AppError CONFLICT (409) naming the object and the file.
 */
export function assertNotManaged(
  d: Pick<AlertApiDeps, 'configFile'>,
  what: string,
  record: { managedByFile: boolean },
): void {
  if (!record.managedByFile) return;
  const file = d.configFile ? `the rules file ${d.configFile}` : 'the rules file (CONFIG_FILE)';
  throw new AppError('CONFLICT', `${what} is managed by ${file}: change it there and reload; it is read-only here`);
}

/** Whether `err` (or a cause of it) is PostgreSQL's unique_violation (SQLSTATE 23505). */
function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++)
    if ((e as { code?: unknown }).code === '23505') return true;
  return false;
}

/**
 * Runs an insert, turning a unique violation (a concurrent write took the same name after
 * this one checked) into the 409 `message`.
 * @throws AppError CONFLICT; anything else `run` throws.
 */
export async function conflictOnDuplicate<T>(run: () => Promise<T>, message: string): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('CONFLICT', message, undefined, { cause: err });
    throw err;
  }
}

/** How one kind of configuration object enters the audit log. */
type AuditedKind<T> = {
  objectType: string;
  idOf: (o: T) => string;
  tenantOf: (o: T) => string;
  /** The object as the API shows it (never a secret). */
  show: (o: T) => unknown;
};

/**
 * An audit writer for one kind of object: `(sql, admin, action, before, after)` appends the
 * entry with the transaction's `sql` that makes the change (audit/record.ts), so both commit
 * together. `before`/`after` null: the object did not exist.
 */
export function auditorOf<T>(kind: AuditedKind<T>) {
  return async (
    sql: Sql,
    admin: Pick<Admin, 'label'>,
    action: string,
    before: T | null,
    after: T | null,
  ): Promise<void> => {
    const o = (after ?? before) as T;
    await recordAudit(sql, {
      actor: admin.label,
      action,
      objectType: kind.objectType,
      objectId: kind.idOf(o),
      tenantName: kind.tenantOf(o),
      before: before && kind.show(before),
      after: after && kind.show(after),
    });
  };
}
