import type { IncomingMessage } from 'node:http';
import type { Config } from '../platform/config.js';
import { AppError } from '../platform/errors.js';

/** CORS_ORIGINS as a set of exact origins (`https://ok.example`); empty when unset. */
export function allowedOrigins(config: Pick<Config, 'CORS_ORIGINS'>): ReadonlySet<string> {
  return new Set(
    (config.CORS_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
  );
}

/** True when `origin` names this server, as the request's `Host` header does. */
function isOwnOrigin(origin: string, req: IncomingMessage): boolean {
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/**
 * Refuses a request a browser sent on behalf of another site: one whose `Origin` is neither
 * this server (compared with `Host`) nor in CORS_ORIGINS, or, without `Origin`, whose
 * `Sec-Fetch-Site` is `cross-site` or `same-site` (another port or subdomain is another
 * origin). Requests without either header come from pollers and tools, not browsers, and
 * pass. A session cookie rides on any request the browser sends, so this is what keeps a
 * page elsewhere from acting with it (OWASP CSRF cheat sheet, "Verifying origin with
 * standard headers"; Fetch metadata, https://w3c.github.io/webappsec-fetch-metadata/).
 * @throws AppError FORBIDDEN naming the origin.
 */
export function assertSameOrigin(req: IncomingMessage, allowed: ReadonlySet<string>): void {
  const origin = req.headers.origin;
  if (origin !== undefined) {
    if (allowed.has(origin) || isOwnOrigin(origin, req)) return;
    throw new AppError(
      'FORBIDDEN',
      `Cross-origin request from ${JSON.stringify(origin.slice(0, 200))} refused: send it from this server's own pages or list the origin in CORS_ORIGINS`,
    );
  }
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site')
    throw new AppError(
      'FORBIDDEN',
      `Cross-origin request refused (Sec-Fetch-Site: ${site}): send it from this server's own pages`,
    );
}

/**
 * A state-changing tRPC call must be `application/json`: an HTML form can only send
 * `application/x-www-form-urlencoded`, `multipart/form-data` or `text/plain` without a
 * CORS preflight, and tRPC would otherwise run a mutation from a multipart form.
 * @throws AppError UNSUPPORTED_MEDIA_TYPE naming the type sent.
 */
export function assertJson(req: IncomingMessage): void {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type))
    throw new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      type
        ? `Content-Type must be application/json (got ${JSON.stringify(type.slice(0, 100))})`
        : 'Content-Type must be application/json',
    );
}
