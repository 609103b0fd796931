import type { IncomingMessage } from 'node:http';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import Negotiator from 'negotiator';

/** Bodies below this many bytes are sent as they are: compression would save too little. */
export const COMPRESS_MIN_BYTES = 1024;

/** Codings offered, the server's preference first (brotli is smaller at the quality used). */
const CODINGS = ['br', 'gzip', 'identity'];

/**
 * The content coding to answer `req` with for a body of `bytes`: `br` or `gzip` as the
 * client's Accept-Encoding allows (q-values honoured, `identity;q=0` too), else undefined
 * (send as is).
 */
export function chooseCoding(req: IncomingMessage, bytes: number): 'br' | 'gzip' | undefined {
  const header = req.headers['accept-encoding'];
  if (bytes < COMPRESS_MIN_BYTES || !header) return undefined;
  let coding = chosen.get(header);
  if (coding === undefined) {
    // negotiator 1.x takes the server's preference for ties; @types/negotiator predates it.
    const negotiator = new Negotiator(req) as unknown as {
      encoding(available: string[], opts: { preferred: string[] }): string | undefined;
    };
    const c = negotiator.encoding(CODINGS, { preferred: CODINGS });
    coding = c === 'br' || c === 'gzip' ? c : null;
    // Clients send a handful of distinct headers; the bound only stops a client minting them.
    if (chosen.size >= 64) chosen.clear();
    chosen.set(header, coding);
  }
  return coding ?? undefined;
}

/** The negotiated coding per Accept-Encoding value (null: none), so a header is parsed once. */
const chosen = new Map<string, 'br' | 'gzip' | null>();

/**
 * `body` compressed with `coding`. Brotli at quality 5: within a few percent of the best
 * size for JSON, at a fraction of quality 11's time (answers are compressed again every
 * second while the view changes). Synchronous: bodies are tens of kB and each is
 * compressed once per cached answer.
 */
export function compressBody(body: Buffer, coding: 'br' | 'gzip'): Buffer {
  if (coding === 'gzip') return gzipSync(body, { level: 6 });
  return brotliCompressSync(body, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 5,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
}
