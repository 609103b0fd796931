import type { ServerResponse } from 'node:http';

/**
 * Writes `body` as a JSON response with its byte length. When headers already went out
 * it only ends the response.
 */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return void res.end();
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}
