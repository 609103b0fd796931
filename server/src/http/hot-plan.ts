import type { IncomingMessage } from 'node:http';
import { MAX_BATCH_CALLS } from '@sla/shared';
import type { Guards } from '../trpc/context.js';
import { queryInput } from './rest.js';

/** The queries served by the hot read path over tRPC (`/trpc/<name>`), unbatched or in a batch of these only. */
const HOT_PROCEDURES = new Set([
  'cache.status',
  'cache.recentChanges',
  'entities.summary',
  'entities.list',
  'entities.facets',
  'budgets.overview',
  'budgets.tenant',
  'budgets.team',
  'budgets.entity',
  'budgets.series',
]);
/** The REST routes served by the hot read path (path below /api → procedure). */
const HOT_REST: Record<string, string> = {
  '/cache/status': 'cache.status',
  '/cache/recent-changes': 'cache.recentChanges',
  '/budgets/overview': 'budgets.overview',
  '/budgets/tenant': 'budgets.tenant',
  '/budgets/team': 'budgets.team',
  '/budgets/entity': 'budgets.entity',
  '/budgets/series': 'budgets.series',
};

export type Call = { procedure: string; input: unknown };
export type Plan = {
  wire: 'trpc' | 'trpc-batch' | 'rest';
  calls: Call[];
  /** The request-duration metric's route label (a template, never the raw path). */
  route: string;
  /** Calls that count as cache reads when answered from the cache (all but `cache.status`). */
  counted: number;
};

/** Whether a request asks for tRPC's streaming format, which only the stock adapter speaks. */
export const wantsStream = (req: IncomingMessage): boolean =>
  !!req.headers['trpc-accept'] || !!req.headers.accept?.includes('application/jsonl');

/**
 * Whether the read guard lets this request read (READ_TOKEN bearer, or a signed session
 * cookie; always when READ_TOKEN is unset). Run before any cached answer or 304 is given.
 */
export function mayRead(guards: Guards, req: IncomingMessage): boolean {
  try {
    guards.read({ authorization: req.headers.authorization, cookie: req.headers.cookie, idempotencyKey: undefined });
    return true;
  } catch {
    return false;
  }
}

const plan = (wire: Plan['wire'], calls: Call[], route: string): Plan => ({
  wire,
  calls,
  route,
  counted: calls.filter((c) => c.procedure !== 'cache.status').length,
});

/**
 * What a GET asks for, when the hot read path can answer it; null hands the request to the
 * stock adapters, which answer everything unusual (bad JSON, oversized batches, other
 * procedures, streaming `application/jsonl`) with their own errors and shapes. Depends on
 * the URL only (and the streaming headers, checked on every request), so it is computed
 * once per URL and kept with the URL's cached answer.
 */
export function planOf(req: IncomingMessage, path: string): Plan | null {
  if (path.startsWith('/api/')) {
    const procedure = HOT_REST[path.slice(4)];
    if (!procedure) return null;
    try {
      const input = procedure === 'cache.status' ? undefined : queryInput(req);
      return plan('rest', [{ procedure, input }], path);
    } catch {
      return null;
    }
  }
  if (!path.startsWith('/trpc/')) return null;
  if (wantsStream(req)) return null;
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  // Only the query string is parsed (a WHATWG URL per request costs more than the rest of a hit).
  const params = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  let names: string[];
  try {
    names = decodeURIComponent(path.slice(6)).split(',');
  } catch {
    return null; // malformed %-escapes: the stock adapter answers them
  }
  const batch = params.get('batch') === '1';
  if ((!batch && names.length > 1) || names.length > MAX_BATCH_CALLS) return null;
  if (!names.every((n) => HOT_PROCEDURES.has(n))) return null;
  const raw = params.get('input');
  let input: unknown;
  try {
    input = raw === null ? undefined : JSON.parse(raw);
  } catch {
    return null;
  }
  if (!batch) return plan('trpc', [{ procedure: names[0] as string, input }], '/trpc');
  const byIndex = (input ?? {}) as Record<string, unknown>;
  if (typeof byIndex !== 'object') return null;
  return plan(
    'trpc-batch',
    names.map((procedure, i) => ({ procedure, input: byIndex[String(i)] })),
    '/trpc',
  );
}
