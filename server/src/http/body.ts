import type { IncomingMessage } from 'node:http';
import type { Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { AppError } from '../platform/errors.js';
import { describeUnreadable } from '../trpc/errors.js';
import { assertJson } from './same-origin.js';

const human = (bytes: number) => (bytes >= 1024 * 1024 ? `${bytes / 1024 / 1024} MiB` : `${bytes / 1024} KiB`);

/** Content-Encoding values a body may use (RFC 9110 §8.4.1), and their decoders from node:zlib. */
const DECODERS: Record<string, () => Transform> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/**
 * The request body as bytes, decoded per its `Content-Encoding` (identity, gzip, deflate
 * or br). `limit` (bytes) applies to the decoded body, counted as it streams, so a small
 * compressed body that inflates past it (a decompression bomb) is refused as soon as it
 * does, without holding more than `limit` in memory.
 * @throws AppError TOO_LARGE (413) over the limit; UNSUPPORTED_MEDIA_TYPE (415) naming an
 * unknown encoding; BAD_INPUT (400) when the body is not valid data of its encoding.
 */
export async function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const encoding = (req.headers['content-encoding'] ?? '').trim().toLowerCase();
  const declared = Number(req.headers['content-length']);
  if (declared > limit) throw tooLarge(limit);
  let source: AsyncIterable<Buffer> = req;
  if (encoding !== '' && encoding !== 'identity') {
    const make = DECODERS[encoding];
    if (!make)
      throw new AppError(
        'UNSUPPORTED_MEDIA_TYPE',
        `Content-Encoding ${JSON.stringify(encoding.slice(0, 100))} is not supported; send the body uncompressed or as gzip, deflate or br`,
      );
    const decoder = make();
    req.on('error', (err) => decoder.destroy(err));
    req.pipe(decoder);
    source = decoder;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of source) {
      size += chunk.length;
      if (size > limit) throw tooLarge(limit);
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    if (source !== req && (err as { code?: unknown }).code !== 'ECONNRESET')
      throw new AppError('BAD_INPUT', `The body is not valid ${encoding} data (Content-Encoding: ${encoding})`);
    throw err;
  } finally {
    if (source !== req) req.unpipe();
  }
  return Buffer.concat(chunks);
}

/** Reads a JSON body with a size cap, answering 415/413/400 with what was wrong (see `readRawBody`). */
export async function readBody(req: IncomingMessage, limit: number): Promise<unknown> {
  assertJson(req);
  const text = (await readRawBody(req, limit)).toString('utf8');
  if (text.trim() === '') throw new AppError('BAD_INPUT', 'Request body is empty; expected a JSON object');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new AppError('BAD_INPUT', `Malformed JSON: ${describeUnreadable((err as Error).message)}`);
  }
}

const tooLarge = (limit: number) => new AppError('TOO_LARGE', `Request body exceeds the ${human(limit)} limit`);
