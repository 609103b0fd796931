import type { Logger } from 'pino';
import type { Db } from '../db/sql.js';
import { identityKey } from '../ingest/plan.js';
import { lockChangeOrder } from '../ingest/store-sql.js';
import { demoEntities, demoSla, prng, statusFor } from './dataset.js';

const HOUR = 3_600_000;
const HISTORY_DAYS = 14;
const STEP_HOURS = 6;
const CHUNK = 5_000;

/**
 * Seeds the demo organisation with 14 days of history, in one transaction under the
 * change-order lock (so change ids stay gapless commit order), only into an empty database.
 */
export async function seedIfEmpty(db: Db, log: Logger): Promise<void> {
  const started = Date.now();
  const seeded = await db.tx(async (sql) => {
    const head = await lockChangeOrder(sql);
    const [row] = await sql<{ n: string | number }>('SELECT count(*) AS n FROM sla_entity');
    if (head > 0 || Number(row?.n ?? 0) > 0) return 0;
    const rnd = prng(7);
    const now = Date.now();
    const entities = demoEntities();
    const changes: Record<string, unknown>[] = [];
    const finals: Record<string, unknown>[] = [];
    entities.forEach((e, idx) => {
      // Stale entities stopped reporting 2 to 30 hours ago; the rest reported within the last few minutes.
      const last = e.profile === 'stale' ? now - (2 + rnd() * 28) * HOUR : now - rnd() * 5 * 60_000;
      // One step more than 14 days, so a 14-day window always starts with a point.
      const points = Math.floor((HISTORY_DAYS * 24) / STEP_HOURS) + 1;
      let prevSla: number | null = null;
      let prevStatus: string | null = null;
      let since = 0;
      for (let p = points; p >= 0; p--) {
        const at = last - p * STEP_HOURS * HOUR;
        const sla = demoSla(e, rnd(), p < 8);
        const status = statusFor(sla, e.slaTarget);
        if (status !== prevStatus) since = at;
        changes.push({ at, e: idx, psla: prevSla, pst: prevStatus, sla, st: status, since });
        prevSla = sla;
        prevStatus = status;
      }
      finals.push({
        t: e.tenantName,
        m: e.teamName,
        y: e.entityType,
        n: e.entityName,
        target: e.slaTarget,
        sla: prevSla,
        st: prevStatus,
        since: new Date(since).toISOString(),
        obs: new Date(last).toISOString(),
      });
    });
    changes.sort((a, b) => (a.at as number) - (b.at as number));
    const versions = new Map<number, number>();
    changes.forEach((c, i) => {
      versions.set(c.e as number, i + 1);
    });
    const inserted = await sql<{
      id: number;
      tenant_name: string;
      team_name: string;
      entity_type: string;
      entity_name: string;
    }>(
      `INSERT INTO sla_entity (tenant_name, team_name, entity_type, entity_name, sla_target, current_sla, status,
                               status_since, observed_at, updated_at, version)
       SELECT t, m, y, n, target, sla, st, since, obs, obs, v FROM jsonb_to_recordset(?::jsonb)
         AS x(t text, m text, y text, n text, target float8, sla float8, st text, since timestamptz, obs timestamptz, v bigint)
       RETURNING id, tenant_name, team_name, entity_type, entity_name`,
      [JSON.stringify(finals.map((f, i) => ({ ...f, v: versions.get(i) })))],
    );
    const idByKey = new Map(
      inserted.map((r) => [
        identityKey({
          tenantName: r.tenant_name,
          teamName: r.team_name,
          entityType: r.entity_type,
          entityName: r.entity_name,
        }),
        r.id,
      ]),
    );
    const ids = entities.map((e) => ({ id: idByKey.get(identityKey(e)) }));
    for (let i = 0; i < changes.length; i += CHUNK) {
      const rows = changes.slice(i, i + CHUNK).map((c, j) => {
        const e = entities[c.e as number];
        return {
          id: i + j + 1,
          e: ids[c.e as number]?.id,
          t: e?.tenantName,
          m: e?.teamName,
          y: e?.entityType,
          n: e?.entityName,
          psla: c.psla,
          pst: c.pst,
          sla: c.sla,
          st: c.st,
          target: e?.slaTarget,
          since: new Date(c.since as number).toISOString(),
          at: new Date(c.at as number).toISOString(),
        };
      });
      await sql(
        `INSERT INTO sla_change (id, entity_id, tenant_name, team_name, entity_type, entity_name, previous_sla, previous_status,
                                 current_sla, status, sla_target, status_since, observed_at, received_at, applied, source)
         SELECT id, e, t, m, y, n, psla, pst, sla, st, target, since, at, at, true, 'demo-seed'
           FROM jsonb_to_recordset(?::jsonb) AS x(id bigint, e int, t text, m text, y text, n text, psla float8, pst text,
                                                 sla float8, st text, target float8, since timestamptz, at timestamptz)`,
        [JSON.stringify(rows)],
      );
    }
    return changes.length;
  });
  if (seeded > 0) log.info({ entities: 500, changes: seeded, ms: Date.now() - started }, 'demo data seeded');
}
