import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';

/** web/dist seen from this file: from src/http/ when run from source, from dist/ when bundled. */
function webDist(): string {
  const candidates = ['../../../web/dist', '../../web/dist'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  return candidates.find((d) => existsSync(`${d}/index.html`)) ?? (candidates[0] as string);
}

/** The built dashboard (web/dist), with history fallback to index.html for client-side routes. */
export function staticHandler(dir = webDist()) {
  if (!existsSync(`${dir}/index.html`)) {
    return (_req: IncomingMessage, res: ServerResponse) => {
      res.statusCode = 503;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end('The dashboard is not built. Run `pnpm start` (it builds web/ first) or `pnpm --filter @sla/web build`.');
    };
  }
  const serve = sirv(dir, {
    single: true,
    etag: true,
    gzip: true,
    brotli: true,
    // Hashed asset names never change; index.html must always be revalidated.
    setHeaders: (res, pathname) =>
      res.setHeader(
        'Cache-Control',
        pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      ),
  });
  return (req: IncomingMessage, res: ServerResponse) =>
    serve(req, res, () => {
      res.statusCode = 404;
      res.end('Not found');
    });
}
