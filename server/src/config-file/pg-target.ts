import { recordAudit } from '../audit/record.js';
import type { Db } from '../db/sql.js';
import { AppError } from '../platform/errors.js';
import {
  type ConfigPlan,
  type CurrentState,
  type DesiredObject,
  type DesiredState,
  emptyState,
  OBJECT_KINDS,
} from './model.js';
import { ConfigFileError, declaredLine, sectionLine } from './parse.js';
import { readManaged, replaceManaged } from './registry.js';
import { type ConfigTarget, type KindStore, type ManagedRow, StillInUse } from './target.js';

export type PgConfigTargetDeps = {
  db: Pick<Db, 'tx' | 'snapshotTx'>;
  /** One store per kind (OBJECT_KINDS); the file's name goes into the `apply` audit entry. */
  stores: readonly KindStore[];
  fileName: string;
  /** Tells every pod the configuration changed (the PolicyStore's reload + announcement; rules: see docs/alerting.md). */
  announce: () => Promise<void>;
};

/**
 * Runs a store's write, turning its 400 that names a declared object (`<kind>.<key>…: why`)
 * into a `ConfigFileError` naming the file and the line that declares it.
 * @throws ConfigFileError, or whatever `write` throws otherwise.
 */
async function atFileLine<T>(fileName: string, kind: string, objects: DesiredObject[], write: () => Promise<T>) {
  try {
    return await write();
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'BAD_INPUT' || err instanceof ConfigFileError) throw err;
    // Longest key first: one key may be a prefix of another.
    const byLength = [...objects].sort((a, b) => b.key.length - a.key.length);
    const o = byLength.find((x) => declaredLine(x) !== undefined && err.message.startsWith(`${kind}.${x.key}`));
    const sep = o ? err.message.indexOf(': ', kind.length + 1 + o.key.length) : -1;
    if (!o || sep < 0) throw err;
    const problem = {
      line: declaredLine(o) as number,
      path: err.message.slice(0, sep),
      message: err.message.slice(sep + 2),
    };
    throw new ConfigFileError(fileName, [problem]);
  }
}

/**
 * Runs a store's removal, turning its `StillInUse` into a 409 `ConfigFileError` naming the
 * file and the line of a file object that still uses the removed one, else of its kind's
 * section (`channels:`), else line 1.
 */
async function removedAtFileLine(fileName: string, desired: DesiredState, remove: () => Promise<void>) {
  try {
    await remove();
  } catch (err) {
    if (!(err instanceof StillInUse)) throw err;
    const user = desired[err.usedBy].find((o) => err.users.includes(o.key));
    const line = (user && declaredLine(user)) ?? sectionLine(desired, err.kind) ?? 1;
    const sep = err.message.indexOf(': ');
    const problem = { line, path: err.message.slice(0, sep), message: err.message.slice(sep + 2) };
    throw new ConfigFileError(fileName, [problem], 'CONFLICT');
  }
}

/** Thrown at the end of a dry run's transaction so that it rolls back. */
class DryRunRollback extends Error {}

/**
 * The `ConfigTarget` over PostgreSQL: reads every kind in one snapshot; applies a plan in one
 * transaction (every kind's creates and updates in OBJECT_KINDS order, then deletes in
 * reverse so nothing is left pointing at a removed object; the managed-object registry; one
 * audit entry `apply` with the counts), then announces it. A dry run runs all of it and
 * rolls the transaction back instead of committing (nothing announced).
 */
export function pgConfigTarget(d: PgConfigTargetDeps): ConfigTarget {
  const storeOf = (kind: string) => {
    const s = d.stores.find((x) => x.kind === kind);
    if (!s) throw new Error(`no store for ${kind}`);
    return s;
  };
  return {
    read: () =>
      d.db.snapshotTx(async (sql) => {
        const managed = await readManaged(sql);
        const state = emptyState() as CurrentState;
        for (const kind of OBJECT_KINDS) state[kind] = await storeOf(kind).read(sql, managed.get(kind) ?? []);
        return state;
      }),
    async apply(desired: DesiredState, plan: ConfigPlan, actor, options) {
      const dryRun = options?.dryRun === true;
      const run = d.db.tx(async (sql) => {
        const managed = await readManaged(sql);
        for (const kind of OBJECT_KINDS) {
          const ids = await atFileLine(d.fileName, kind, desired[kind], () =>
            storeOf(kind).write(sql, plan[kind], actor),
          );
          const before = new Map((managed.get(kind) ?? []).map((m) => [m.key, m.objectId]));
          const current = new Map(plan[kind].update.map((u) => [u.desired.key, u.current.id]));
          const rows: ManagedRow[] = desired[kind].map((o) => ({
            key: o.key,
            objectId: ids.has(o.key) ? (ids.get(o.key) ?? null) : (current.get(o.key) ?? before.get(o.key) ?? null),
            spec: o.spec,
          }));
          // Named by the file, neither written now nor managed before: adopted as they are.
          await storeOf(kind).adopt?.(
            sql,
            desired[kind].filter((o) => !before.has(o.key) && !ids.has(o.key)),
          );
          await replaceManaged(sql, kind, rows);
        }
        for (const kind of [...OBJECT_KINDS].reverse())
          await removedAtFileLine(d.fileName, desired, () => storeOf(kind).remove(sql, plan[kind], actor));
        const counts = Object.fromEntries(
          OBJECT_KINDS.map((k) => [
            k,
            { create: plan[k].create.length, update: plan[k].update.length, delete: plan[k].delete.length },
          ]),
        );
        await recordAudit(sql, {
          actor,
          action: 'apply',
          objectType: 'config_file',
          objectId: d.fileName,
          tenantName: null,
          before: null,
          after: counts,
        });
        if (dryRun) throw new DryRunRollback();
      });
      try {
        await run;
      } catch (err) {
        if (err instanceof DryRunRollback) return;
        throw err;
      }
      await d.announce();
    },
  };
}
