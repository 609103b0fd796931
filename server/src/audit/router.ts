import { ZAuditEntry } from '@sla/shared';
import { z } from 'zod';
import type { Sql } from '../db/sql.js';
import { adminProcedure, router } from '../trpc/trpc.js';
import { listAudit, ZAuditListInput } from './list.js';

/**
 * `audit.*`: the audit log, for admins only (an entry holds the objects before and after a
 * change and the token names that made it); an admin of some tenants sees those tenants' entries.
 */
export function auditRouter(d: { sql: Sql }) {
  return router({
    list: adminProcedure
      .meta({
        openapi: {
          method: 'GET',
          path: '/audit',
          tags: ['audit'],
          summary: 'The audit log, newest first',
          description:
            "Every change made through the API: who (the token name), when, the object before and after. Needs an admin token; an admin of some tenants sees those tenants. Page with `cursor` = the previous page's `nextCursor`.",
          protect: true,
        },
      })
      .input(ZAuditListInput)
      .output(z.object({ items: z.array(ZAuditEntry), nextCursor: z.number().int().nullable() }))
      .query(({ ctx, input }) => listAudit(d.sql, ctx.admin, input)),
  });
}
