import { ZPeriod, ZReport, ZReportInput, ZReportRevision } from '@sla/shared';
import { z } from 'zod';
import { readProcedure, router } from '../trpc/trpc.js';
import { getReport, type ReportsDeps, reportRevisions } from './service.js';

const ZRevisionsInput = ZReportInput.pick({ tenantName: true }).extend({ period: ZPeriod });

/** `reports.*`: compliance reports (docs/budgets.md "Compliance reports"). */
export function reportsRouter(d: ReportsDeps) {
  return router({
    get: readProcedure
      .meta({
        openapi: {
          method: 'GET',
          path: '/reports',
          tags: ['reports'],
          summary: 'A compliance report for a period (month 2026-11 or quarter 2026-Q4) of a tenant, team or entity',
          description:
            'Provisional until the period plus REPORT_GRACE_HOURS has passed, then served from its closed snapshot (state `closed`, `revision`, `contentHash`); `revision` picks an older revision. CSV: GET /api/reports/csv with the same parameters.',
          protect: false,
        },
      })
      .input(ZReportInput)
      .output(ZReport)
      .query(({ input }) => getReport(d, input)),
    revisions: readProcedure
      .meta({
        openapi: {
          method: 'GET',
          path: '/reports/revisions',
          tags: ['reports'],
          summary: "The revisions of a closed period's tenant report, oldest first",
          protect: false,
        },
      })
      .input(ZRevisionsInput)
      .output(z.array(ZReportRevision))
      .query(({ input }) => reportRevisions(d, input)),
  });
}
