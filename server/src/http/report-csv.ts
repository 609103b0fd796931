import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Report } from '@sla/shared';
import { AppError } from '../platform/errors.js';
import { type CallProcedure, procedureCaller } from './call.js';
import { contextFor, type HttpDeps } from './deps.js';
import { queryInput, sendError } from './rest.js';

/**
 * `GET /api/reports/csv?tenantName=…&period=…[&teamName=…|&entityId=…][&revision=…]`: the
 * report `reports.get` answers (same input checks, read guard and errors, as JSON), sent as
 * a CSV download. The CSV itself is made by `HttpDeps.reportCsv` (reports/csv.ts), handed
 * in by the composition root. The report's state, revision and content hash travel as
 * `X-Report-State`, `X-Report-Revision` and `X-Report-Content-Hash`.
 */
export function reportCsvHandler(d: HttpDeps) {
  const call: CallProcedure = procedureCaller(d.router);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('Allow', 'GET, HEAD');
        throw new AppError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on /api/reports/csv; use GET`);
      }
      const report = (await call(contextFor(d, req, res), 'reports.get', queryInput(req))) as Report;
      const body = Buffer.from(d.reportCsv(report), 'utf8');
      res.statusCode = 200;
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', contentDisposition(`sla-${report.tenantName}-${report.period}.csv`));
      res.setHeader('Content-Length', body.length);
      res.setHeader('Cache-Control', 'private, no-cache');
      res.setHeader('X-Report-State', report.state);
      if (report.revision !== null) res.setHeader('X-Report-Revision', String(report.revision));
      if (report.contentHash) res.setHeader('X-Report-Content-Hash', report.contentHash);
      res.end(body);
    } catch (err) {
      sendError(d, res, err);
    }
  };
}

/**
 * `attachment` with the file name twice (RFC 6266): `filename` reduced to characters every
 * client reads safely (others become `_`), and `filename*` with the exact name in UTF-8.
 */
export function contentDisposition(name: string): string {
  const plain = name.replace(/[^A-Za-z0-9._-]/g, '_');
  const exact = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${plain}"; filename*=UTF-8''${exact}`;
}
