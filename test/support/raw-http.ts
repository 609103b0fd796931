import http from 'node:http';

export type RawResponse = { status: number; headers: http.IncomingHttpHeaders; text: string };

/**
 * One HTTP request over node:http, answering with whatever the server said. Unlike
 * fetch, it keeps the response when the server answers early and closes the socket
 * while the body is still being sent (what a 413 does), instead of failing with EPIPE.
 * `chunked` sends the body without a Content-Length, so the server cannot refuse it up
 * front and must count as it reads.
 */
export function rawRequest(
  url: string,
  path: string,
  opts: { method?: string; body?: Buffer | string; chunked?: boolean; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const body = opts.body === undefined ? undefined : Buffer.from(opts.body);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request(`${url}${path}`, {
      method: opts.method ?? 'POST',
      headers: {
        'content-type': 'application/json',
        ...(body && !opts.chunked ? { 'content-length': String(body.length) } : {}),
        ...opts.headers,
      },
    });
    req.on('response', (res) => {
      answered = true;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      res.on('error', reject);
    });
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    if (body && opts.chunked) {
      // 64 KiB at a time, so the server sees a stream rather than one buffer.
      for (let at = 0; at < body.length; at += 65_536) req.write(body.subarray(at, at + 65_536));
      req.end();
    } else req.end(body);
  });
}
