import type { Sql } from '../db/sql.js';
import { AppError } from '../platform/errors.js';
import type {
  ConfigPlan,
  CurrentObject,
  CurrentState,
  DesiredObject,
  DesiredState,
  KindPlan,
  ObjectKind,
} from './model.js';

/**
 * A store refusing to delete an object the file no longer declares because stored objects
 * still use it (a channel rules name). `users`: their keys in file terms (`tenant/name` of
 * the rules); `pgConfigTarget` answers it as a 409 naming the file and a line.
 */
export class StillInUse extends AppError {
  constructor(
    readonly kind: ObjectKind,
    readonly key: string,
    readonly usedBy: ObjectKind,
    readonly users: string[],
  ) {
    super(
      'CONFLICT',
      `${kind}.${key}: removed from the file but still used by ${usedBy} ${users.map((u) => JSON.stringify(u)).join(', ')}; remove it from them first (or keep it in the file)`,
    );
    this.name = 'StillInUse';
  }
}

/** The audit log's actor for everything the rules file writes. */
export const CONFIG_ACTOR = 'config-file';

/** A `sla_config_object` row: the file manages the object stored under `objectId` as `key`. */
export type ManagedRow = { key: string; objectId: string | null; spec: Record<string, unknown> };

/**
 * Where one kind of object is stored. The composition root hands one per kind to
 * `pgConfigTarget`; each works inside the transaction it is given and writes its own audit
 * entries (actor `config-file`).
 *
 * A store's `spec` must be the file's form of the object, so an unchanged object compares
 * equal (`plan.ts` `canonicalJson`): rules as `ZAlertRuleInput` parses them (defaults filled);
 * channels as `ZChannelInput` with credential fields (`url` of a Slack webhook, `secret`,
 * `slack.botToken`) as written — for a managed channel that is the `ManagedRow.spec` the
 * registry kept (`${NAME}` placeholders and `secretDigest`), for an API-made one the
 * placeholders the export names (`variableFor`) and the digest of the stored values
 * (parse.ts `secretDigest`), so reloading its export with the same values compares equal.
 */
export type KindStore = {
  kind: ObjectKind;
  /** Every stored object of the kind in file terms; `managed` rows tell which the file manages and under which key. */
  read(sql: Sql, managed: readonly ManagedRow[]): Promise<CurrentObject[]>;
  /**
   * Creates and updates what `plan` lists (not its deletes). Returns the stored id of each
   * object it created or updated, by key (null where the key is the id).
   * @throws AppError BAD_INPUT naming the object's key and field when the store refuses it.
   */
  write(sql: Sql, plan: KindPlan, actor: string): Promise<Map<string, string | null>>;
  /**
   * Deletes what `plan.delete` lists. Runs after every kind's writes, kinds in reverse order.
   * @throws StillInUse when stored objects still use one of them.
   */
  remove(sql: Sql, plan: KindPlan, actor: string): Promise<void>;
  /**
   * Optional: marks as managed stored objects the file now names without changing them (same
   * spec, so the plan does not list them), for stores whose API checks a column of their own.
   */
  adopt?(sql: Sql, objects: readonly DesiredObject[]): Promise<void>;
};

/**
 * What the rules file is applied to: the current state read, and a plan applied in one
 * transaction (all of it commits or none), then announced to every pod.
 */
export type ConfigTarget = {
  /** The stored state of every kind, in file terms. */
  read(): Promise<CurrentState>;
  /**
   * Applies `plan` (computed from `desired` against a fresh `read()`) in one transaction with
   * actor `config-file`: the kinds' writes, the registry of managed objects, one audit entry
   * `apply` summing it up; then announces the change to every pod. With `dryRun` the same
   * writes and checks run and the transaction is rolled back (nothing kept, nothing announced).
   * @throws what the stores throw (ConfigFileError naming the file's line for a refused object).
   */
  apply(
    desired: DesiredState,
    plan: ConfigPlan,
    actor: typeof CONFIG_ACTOR,
    options?: { dryRun?: boolean },
  ): Promise<void>;
};
