import type { SilenceAnswer } from '@sla/shared';
import { AppError } from '../platform/errors.js';
import { assertAdminOf } from '../trpc/admin-of.js';
import type { Admin } from '../trpc/context.js';
import { type AlertApiDeps, assertLoaded, auditorOf } from './api-deps.js';
import type { SilenceCreate } from './api-input.js';
import { readSilence, readSilences, type SilenceRecord } from './config-store.js';
import { assertScope } from './scope-check.js';

/** Explicit silences (issue 15 "scope + end time + reason, audited"): listed, created, deleted. */

const bad = (message: string) => new AppError('BAD_INPUT', message);
const q = JSON.stringify;

/** Silences of one tenant (every tenant when unset); ended ones only when asked. @throws DatabaseUnavailable */
export async function listSilences(
  d: Pick<AlertApiDeps, 'db'>,
  input: { tenantName?: string | undefined; includeEnded: boolean },
): Promise<SilenceAnswer[]> {
  return readSilences(d.db.sql, { tenantName: input.tenantName ?? null, includeEnded: input.includeEnded });
}

const audit = auditorOf<SilenceRecord>({
  objectType: 'alert_silence',
  idOf: (s) => String(s.id),
  tenantOf: (s) => s.tenantName,
  show: (s) => s,
});

/**
 * Creates a silence (audited in the same transaction). `startsAt` defaults to now; the
 * silence must end in the future and after it starts; a rule it names must exist in the tenant.
 * @throws AppError FORBIDDEN, BAD_INPUT naming the field (`endsAt`, `teamName`, `entityId`,
 *   `ruleName`, …), UNAVAILABLE.
 */
export async function createSilence(
  d: AlertApiDeps,
  admin: Admin,
  input: SilenceCreate,
  now: number = Date.now(),
): Promise<SilenceAnswer> {
  assertAdminOf(admin, input.tenantName);
  assertLoaded(d);
  assertScope(d.view, input, '');
  const startsAt = input.startsAt === undefined ? now : Date.parse(input.startsAt);
  const endsAt = Date.parse(input.endsAt);
  if (endsAt <= now) throw bad(`endsAt: ${input.endsAt} is in the past; a silence must end in the future`);
  if (endsAt <= startsAt) throw bad('endsAt: must be after startsAt');
  return d.db.tx(async (sql) => {
    if (input.ruleName !== null) {
      const [rule] = await sql('SELECT 1 FROM sla_alert_rule WHERE tenant_name = ? AND name = ?', [
        input.tenantName,
        input.ruleName,
      ]);
      if (!rule) throw bad(`ruleName: tenant ${q(input.tenantName)} has no rule ${q(input.ruleName)}`);
    }
    const [row] = await sql<{ id: number }>(
      `INSERT INTO sla_alert_silence (tenant_name, team_name, entity_type, entity_id, rule_name, starts_at, ends_at,
         reason, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, now()) RETURNING id`,
      [
        input.tenantName,
        input.teamName,
        input.entityType,
        input.entityId,
        input.ruleName,
        new Date(startsAt),
        new Date(endsAt),
        input.reason,
        admin.label,
      ],
    );
    const created = (await readSilence(sql, Number(row?.id))) as SilenceRecord;
    await audit(sql, admin, 'create', null, created);
    return created;
  });
}

/**
 * Deletes silence `id`: from then on it suppresses nothing. Audited with the silence as it was.
 * @throws AppError NOT_FOUND, FORBIDDEN.
 */
export async function deleteSilence(d: Pick<AlertApiDeps, 'db'>, admin: Admin, id: number): Promise<SilenceAnswer> {
  return d.db.tx(async (sql) => {
    const before = await readSilence(sql, id, true);
    if (!before) throw new AppError('NOT_FOUND', `id: no silence ${id}`);
    assertAdminOf(admin, before.tenantName);
    await sql('DELETE FROM sla_alert_silence WHERE id = ?', [id]);
    await audit(sql, admin, 'delete', before, null);
    return before;
  });
}
