import type { AlertRuleAnswer } from '@sla/shared';
import { AppError } from '../platform/errors.js';
import { assertAdminOf } from '../trpc/admin-of.js';
import type { Admin } from '../trpc/context.js';
import { type AlertApiDeps, assertLoaded, assertNotManaged } from './api-deps.js';
import type { RuleDraft } from './api-input.js';
import { readRule, readRules } from './config-store.js';
import { checkRuleRow, deleteRuleRow, insertRuleRow, ruleAnswer, updateRuleRow } from './rule-rows.js';

/** Alert rules through the API: listed by tenant, written by the tenant's admins, audited (rows: rule-rows.ts). */

const notFound = (id: number) => new AppError('NOT_FOUND', `id: no alert rule ${id}`);
const q = JSON.stringify;

/** The rules of one tenant (every tenant when unset), by tenant then name. @throws DatabaseUnavailable */
export async function listRules(d: Pick<AlertApiDeps, 'db'>, tenantName?: string): Promise<AlertRuleAnswer[]> {
  return (await readRules(d.db.sql, tenantName ?? null)).map(ruleAnswer);
}

/**
 * Creates a rule (audited in the same transaction).
 * @throws AppError FORBIDDEN (not an admin of its tenant), BAD_INPUT naming the field
 *   (`scope.teamName`, `channels.0`, …), CONFLICT (`name` taken in the tenant), UNAVAILABLE.
 */
export async function createRule(d: AlertApiDeps, admin: Admin, rule: RuleDraft): Promise<AlertRuleAnswer> {
  assertAdminOf(admin, rule.tenantName);
  assertLoaded(d);
  return d.db.tx(async (sql) => {
    await checkRuleRow(d.view, sql, rule, null);
    return ruleAnswer(await insertRuleRow(sql, admin.label, rule, { managedByFile: false }));
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
    await checkRuleRow(d.view, sql, rule, id);
    return ruleAnswer(await updateRuleRow(sql, admin.label, before, rule));
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
    await deleteRuleRow(sql, admin.label, before);
    return ruleAnswer(before);
  });
}
