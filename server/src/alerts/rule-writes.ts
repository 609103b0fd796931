import type { AlertRuleAnswer } from '@sla/shared';
import type { Sql } from '../db/sql.js';
import { AppError } from '../platform/errors.js';
import { assertAdminOf } from '../trpc/admin-of.js';
import type { Admin } from '../trpc/context.js';
import { type AlertApiDeps, assertLoaded, assertNotManaged, auditorOf, conflictOnDuplicate } from './api-deps.js';
import type { RuleDraft } from './api-input.js';
import { readRule, readRules, type StoredRule } from './config-store.js';
import { assertChannelsExist, assertScope } from './scope-check.js';

/** Alert rules through the API: listed by tenant, written by the tenant's admins, audited. */

const answer = (r: StoredRule): AlertRuleAnswer => ({
  ...r.rule,
  managedByFile: r.managedByFile,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

const notFound = (id: number) => new AppError('NOT_FOUND', `id: no alert rule ${id}`);
const q = JSON.stringify;

/** The rules of one tenant (every tenant when unset), by tenant then name. @throws DatabaseUnavailable */
export async function listRules(d: Pick<AlertApiDeps, 'db'>, tenantName?: string): Promise<AlertRuleAnswer[]> {
  return (await readRules(d.db.sql, tenantName ?? null)).map(answer);
}

const audit = auditorOf<StoredRule>({
  objectType: 'alert_rule',
  idOf: (r) => String(r.rule.id),
  tenantOf: (r) => r.rule.tenantName,
  show: answer,
});

/** Checks what the schema cannot: scope and channels exist, name free in the tenant. */
async function checkRule(d: AlertApiDeps, sql: Sql, rule: RuleDraft, exceptId: number | null): Promise<void> {
  assertScope(d.view, { tenantName: rule.tenantName, ...rule.scope }, 'scope.');
  await assertChannelsExist(sql, rule.tenantName, rule.channels);
  const [taken] = await sql<{ id: number }>(
    'SELECT id FROM sla_alert_rule WHERE tenant_name = ? AND name = ? AND id IS DISTINCT FROM ?',
    [rule.tenantName, rule.name, exceptId],
  );
  if (taken) throw new AppError('CONFLICT', nameTaken(rule));
}

const nameTaken = (rule: RuleDraft) => `name: tenant ${q(rule.tenantName)} already has a rule named ${q(rule.name)}`;

/** The row's `rule` column: the rule with defaults applied, without its id (the row's). */
const ruleJson = (rule: RuleDraft) => JSON.stringify(rule);

/**
 * Creates a rule (audited in the same transaction).
 * @throws AppError FORBIDDEN (not an admin of its tenant), BAD_INPUT naming the field
 *   (`scope.teamName`, `channels.0`, …), CONFLICT (`name` taken in the tenant), UNAVAILABLE.
 */
export async function createRule(d: AlertApiDeps, admin: Admin, rule: RuleDraft): Promise<AlertRuleAnswer> {
  assertAdminOf(admin, rule.tenantName);
  assertLoaded(d);
  return d.db.tx(async (sql) => {
    await checkRule(d, sql, rule, null);
    const [row] = await conflictOnDuplicate(
      () =>
        sql<{ id: number }>(
          `INSERT INTO sla_alert_rule (tenant_name, name, kind, rule, managed_by_file, created_at, updated_at)
           VALUES (?, ?, ?, ?::jsonb, false, now(), now()) RETURNING id`,
          [rule.tenantName, rule.name, rule.kind, ruleJson(rule)],
        ),
      nameTaken(rule),
    );
    const created = (await readRule(sql, Number(row?.id))) as StoredRule;
    await audit(sql, admin, 'create', null, created);
    return answer(created);
  });
}

/**
 * Replaces rule `id` with `rule` (audited with before and after). Moving a rule to another
 * tenant needs admin of both.
 * @throws AppError NOT_FOUND, FORBIDDEN, CONFLICT (managed by the rules file, or `name`
 *   taken), BAD_INPUT naming the field, UNAVAILABLE.
 */
export async function updateRule(d: AlertApiDeps, admin: Admin, id: number, rule: RuleDraft): Promise<AlertRuleAnswer> {
  assertLoaded(d);
  return d.db.tx(async (sql) => {
    const before = await readRule(sql, id, true);
    if (!before) throw notFound(id);
    assertAdminOf(admin, before.rule.tenantName);
    assertAdminOf(admin, rule.tenantName);
    assertNotManaged(d, `rule ${q(before.rule.name)}`, before);
    await checkRule(d, sql, rule, id);
    await conflictOnDuplicate(
      () =>
        sql(
          `UPDATE sla_alert_rule SET tenant_name = ?, name = ?, kind = ?, rule = ?::jsonb, updated_at = now() WHERE id = ?`,
          [rule.tenantName, rule.name, rule.kind, ruleJson(rule), id],
        ),
      nameTaken(rule),
    );
    const after = (await readRule(sql, id)) as StoredRule;
    await audit(sql, admin, 'update', before, after);
    return answer(after);
  });
}

/**
 * Deletes rule `id`; the audit entry keeps it as it was. Its alerts stay in the alert table.
 * @throws AppError NOT_FOUND, FORBIDDEN, CONFLICT (managed by the rules file).
 */
export async function deleteRule(d: Pick<AlertApiDeps, 'db' | 'configFile'>, admin: Admin, id: number) {
  return d.db.tx(async (sql): Promise<AlertRuleAnswer> => {
    const before = await readRule(sql, id, true);
    if (!before) throw notFound(id);
    assertAdminOf(admin, before.rule.tenantName);
    assertNotManaged(d, `rule ${q(before.rule.name)}`, before);
    await sql('DELETE FROM sla_alert_rule WHERE id = ?', [id]);
    await audit(sql, admin, 'delete', before, null);
    return answer(before);
  });
}
