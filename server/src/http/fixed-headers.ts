import type { IncomingMessage, OutgoingHttpHeader, ServerResponse } from 'node:http';

/** A connect-style middleware (helmet, cors). */
export type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/**
 * The header methods of a response that header-setting code uses (`vary`, helmet, cors),
 * recorded instead of sent: names and values in the order a response would send them (a
 * field set again keeps its place, as Node's own header store does).
 */
export class HeaderRecorder {
  private readonly fields = new Map<string, [string, OutgoingHttpHeader]>();

  getHeader(name: string): OutgoingHttpHeader | undefined {
    return this.fields.get(name.toLowerCase())?.[1];
  }

  setHeader(name: string, value: OutgoingHttpHeader): this {
    this.fields.set(name.toLowerCase(), [name, value]);
    return this;
  }

  removeHeader(name: string): void {
    this.fields.delete(name.toLowerCase());
  }

  hasHeader(name: string): boolean {
    return this.fields.has(name.toLowerCase());
  }

  /** A copy holding the same fields, to record more on top of. */
  copy(): HeaderRecorder {
    const c = new HeaderRecorder();
    for (const [k, [n, v]] of this.fields) c.fields.set(k, [n, v]);
    return c;
  }

  /** The fields as `res.writeHead(status, flat)` takes them: name, value, name, value… (a list value repeats its name). */
  flat(): string[] {
    const out: string[] = [];
    for (const [name, value] of this.fields.values())
      if (Array.isArray(value)) for (const v of value) out.push(name, v);
      else out.push(name, String(value));
    return out;
  }

  /** This recorder where code expects a response (only the header methods above exist). */
  asResponse(): ServerResponse {
    return this as unknown as ServerResponse;
  }
}

/**
 * The header fields `middlewares` set, in order, on a response to a GET without an
 * `Origin` header: helmet's security headers and cors's fields are the same for every such
 * request (their options are fixed at start), so the hot read path records them once and
 * writes them with each cached answer instead of running both per request.
 * @throws if a middleware does not call `next` at once or passes it an error: its headers
 *   then depend on more than the options, and cannot be recorded.
 */
export function recordFixedHeaders(middlewares: Middleware[]): HeaderRecorder {
  const rec = new HeaderRecorder();
  const req = { method: 'GET', url: '/', headers: {} } as IncomingMessage;
  for (const mw of middlewares) {
    let called = false;
    mw(req, rec.asResponse(), (err) => {
      if (err) throw err;
      called = true;
    });
    if (!called) throw new Error('a header middleware did not call next() synchronously; its headers cannot be fixed');
  }
  return rec;
}
