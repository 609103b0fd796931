import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import sirv from 'sirv';

/** Swagger UI from the installed swagger-ui-dist package: no CDN, works offline. */
const assets = sirv(dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json')), {
  dev: false,
  etag: true,
  maxAge: 3600,
});

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SLA service API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/api/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script></body></html>`;

// A file rather than an inline script, so the Content-Security-Policy can forbid inline scripts.
const INIT = `window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#swagger-ui', deepLinking: true });`;

/**
 * Serves Swagger UI under `/docs` (`path` is the request path without `/api`): the page,
 * its init script and the package's assets (cached 1 h), 404 for unknown assets.
 * Returns false, having written nothing, for a path outside `/docs`.
 */
export function handleDocs(req: IncomingMessage, res: ServerResponse, path: string): boolean {
  if (path === '/docs' || path === '/docs/') {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(PAGE);
    return true;
  }
  if (path === '/docs/init.js') {
    res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
    res.end(INIT);
    return true;
  }
  if (!path.startsWith('/docs/')) return false;
  req.url = path.slice('/docs'.length);
  assets(req, res, () => {
    res.statusCode = 404;
    res.end('Not found');
  });
  return true;
}
