import type { Logger } from 'pino';
import type { Db } from '../db/sql.js';
import { identityKey } from '../domain/entity.js';
import type { PlannedChange, StoredState } from '../ingest/plan.js';
import { insertChanges, lockChangeOrder, upsertEntities } from '../ingest/repository.js';
import { demoEntities, demoSla, prng, statusFor } from './dataset.js';
import { historyOffsets, inIncident } from './history.js';
import { insertDemoWindows } from './windows.js';

const HOUR = 3_600_000;
const CHUNK = 5_000;

/**
 * Seeds the demo organisation with 36 days of history (see history.ts: every 6 hours for
 * the last 14 days, every 12 hours before, plus a few team-wide incidents) and three
 * maintenance windows (windows.ts), in one transaction under the
 * change-order lock (so change ids stay gapless commit order), only into an empty database.
 * It writes through the ingest path's own statements (upsertEntities, insertChanges).
 */
export async function seedIfEmpty(db: Db, log: Logger): Promise<void> {
  const started = Date.now();
  const seeded = await db.tx(async (sql) => {
    const head = await lockChangeOrder(sql);
    const [row] = await sql<{ n: string | number }>('SELECT count(*) AS n FROM sla_entity');
    if (head > 0 || Number(row?.n ?? 0) > 0) return 0;
    const rnd = prng(7);
    const now = Date.now();
    type Point = Omit<PlannedChange, 'id'>;
    const points: Point[] = [];
    const finals = new Map<string, StoredState>();
    for (const e of demoEntities()) {
      const key = identityKey(e);
      // Stale entities stopped reporting 2 to 30 hours ago; the rest reported within the last few minutes.
      const last = e.profile === 'stale' ? now - (2 + rnd() * 28) * HOUR : now - rnd() * 5 * 60_000;
      let prev: Point | null = null;
      for (const offset of historyOffsets()) {
        const at = last - offset * HOUR;
        const incident = inIncident(e, now - at);
        const normal = demoSla(e, rnd(), offset < 48);
        // An incident takes the whole team well below target for a few hours.
        const sla = incident ? Math.round(Math.max(0, e.slaTarget - 8 - rnd() * 20) * 100) / 100 : normal;
        const status = statusFor(sla, e.slaTarget);
        const point: Point = {
          entityId: 0,
          key,
          tenantName: e.tenantName,
          teamName: e.teamName,
          entityType: e.entityType,
          entityName: e.entityName,
          previousSla: prev?.currentSla ?? null,
          previousStatus: prev?.status ?? null,
          currentSla: sla,
          status,
          slaTarget: e.slaTarget,
          statusSince: prev && prev.status === status ? prev.statusSince : at,
          observedAt: at,
          receivedAt: at,
          applied: true,
          source: 'demo-seed',
          details: null,
        };
        points.push(point);
        prev = point;
      }
      if (prev) finals.set(key, { id: 0, ...prev, updatedAt: last, version: 0, details: null });
    }
    // Change ids follow time across all entities, as if the history had arrived live.
    points.sort((a, b) => a.observedAt - b.observedAt);
    const changes = points.map((p, i) => ({ ...p, id: i + 1 }));
    for (const c of changes) (finals.get(c.key) as StoredState).version = c.id;
    const ids = await upsertEntities(sql, [...finals.values()]);
    for (let i = 0; i < changes.length; i += CHUNK)
      await insertChanges(
        sql,
        changes.slice(i, i + CHUNK).map((c) => ({ ...c, entityId: ids.get(c.key) ?? 0 })),
      );
    await insertDemoWindows(sql, now);
    return changes.length;
  });
  if (seeded > 0) log.info({ entities: 500, changes: seeded, ms: Date.now() - started }, 'demo data seeded');
}
