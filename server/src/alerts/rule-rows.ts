import type { AlertRuleAnswer } from '@sla/shared';
import type { Sql } from '../db/sql.js';
import { AppError } from '../platform/errors.js';
import type { ScopeView } from '../policy/scope.js';
import { auditorOf, conflictOnDuplicate } from './api-deps.js';
import type { RuleDraft } from './api-input.js';
import { readRule, type StoredRule } from './config-store.js';
import { assertChannelsExist, assertScope } from './scope-check.js';

/**
 * The checked, audited row writes of alert rules inside the caller's transaction: the API
 * (rule-writes.ts) and the rules file (wiring/config-file-alerts.ts) both write through
 * these, so the SQL and the checks exist once. None checks who may write.
 */

/** A rule as the API answers it (and the audit log keeps it). */
export const ruleAnswer = (r: StoredRule): AlertRuleAnswer => ({
  ...r.rule,
  managedByFile: r.managedByFile,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

const q = JSON.stringify;
const audit = auditorOf<StoredRule>({
  objectType: 'alert_rule',
  idOf: (r) => String(r.rule.id),
  tenantOf: (r) => r.rule.tenantName,
  show: ruleAnswer,
});

const nameTaken = (rule: RuleDraft) => `name: tenant ${q(rule.tenantName)} already has a rule named ${q(rule.name)}`;

/** The row's `rule` column: the rule with defaults applied, without its id (the row's). */
const ruleJson = (rule: RuleDraft) => JSON.stringify(rule);

/**
 * Checks what the schema cannot: the scope exists in `view`, the channels exist in the
 * tenant (read with `sql`), the name is free in the tenant (`exceptId`: the rule replaced).
 * @throws AppError BAD_INPUT naming the field (`scope.teamName`, `channels.0`, …), CONFLICT (`name`).
 */
export async function checkRuleRow(view: ScopeView, sql: Sql, rule: RuleDraft, exceptId: number | null): Promise<void> {
  assertScope(view, { tenantName: rule.tenantName, ...rule.scope }, 'scope.');
  await assertChannelsExist(sql, rule.tenantName, rule.channels);
  const [taken] = await sql<{ id: number }>(
    'SELECT id FROM sla_alert_rule WHERE tenant_name = ? AND name = ? AND id IS DISTINCT FROM ?',
    [rule.tenantName, rule.name, exceptId],
  );
  if (taken) throw new AppError('CONFLICT', nameTaken(rule));
}

/** Whether the rules file manages the row (`managed_by_file`). */
export type RowOwner = { managedByFile: boolean };

/**
 * Inserts a checked rule written by `actor` (audited). Returns it as stored.
 * @throws AppError CONFLICT when a concurrent write took the name.
 */
export async function insertRuleRow(sql: Sql, actor: string, rule: RuleDraft, owner: RowOwner): Promise<StoredRule> {
  const [row] = await conflictOnDuplicate(
    () =>
      sql<{ id: number }>(
        `INSERT INTO sla_alert_rule (tenant_name, name, kind, rule, managed_by_file, created_at, updated_at)
         VALUES (?, ?, ?, ?::jsonb, ?, now(), now()) RETURNING id`,
        [rule.tenantName, rule.name, rule.kind, ruleJson(rule), owner.managedByFile],
      ),
    nameTaken(rule),
  );
  const created = (await readRule(sql, Number(row?.id))) as StoredRule;
  await audit(sql, { label: actor }, 'create', null, created);
  return created;
}

/**
 * Replaces the checked rule `before` with `rule` (audited with both). `owner` unset keeps
 * the row's `managed_by_file`; the rules file passes true (it adopts the rule).
 * @throws AppError CONFLICT when a concurrent write took the name.
 */
export async function updateRuleRow(
  sql: Sql,
  actor: string,
  before: StoredRule,
  rule: RuleDraft,
  owner?: RowOwner,
): Promise<StoredRule> {
  const id = before.rule.id;
  await conflictOnDuplicate(
    () =>
      sql(
        `UPDATE sla_alert_rule SET tenant_name = ?, name = ?, kind = ?, rule = ?::jsonb,
           managed_by_file = coalesce(?::boolean, managed_by_file), updated_at = now() WHERE id = ?`,
        [rule.tenantName, rule.name, rule.kind, ruleJson(rule), owner?.managedByFile ?? null, id],
      ),
    nameTaken(rule),
  );
  const after = (await readRule(sql, id)) as StoredRule;
  await audit(sql, { label: actor }, 'update', before, after);
  return after;
}

/** Deletes the rule `before` (audited; its alerts stay in the alert table). */
export async function deleteRuleRow(sql: Sql, actor: string, before: StoredRule): Promise<void> {
  await sql('DELETE FROM sla_alert_rule WHERE id = ?', [before.rule.id]);
  await audit(sql, { label: actor }, 'delete', before, null);
}

/** Marks rule `name` of `tenantName` as managed by the rules file (which adopted it unchanged); no audit entry: the file's `apply` entry covers it. */
export async function markRuleManaged(sql: Sql, tenantName: string, name: string): Promise<void> {
  await sql('UPDATE sla_alert_rule SET managed_by_file = true WHERE tenant_name = ? AND name = ?', [tenantName, name]);
}
