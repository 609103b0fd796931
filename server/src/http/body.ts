import type { IncomingMessage } from 'node:http';
import { AppError } from '../platform/errors.js';

const human = (bytes: number) => (bytes >= 1024 * 1024 ? `${bytes / 1024 / 1024} MiB` : `${bytes / 1024} KiB`);

/** Reads a JSON body with a size cap, answering 415/413/400 with what was wrong. */
export async function readBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type))
    throw new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      type ? `Content-Type must be application/json (got "${type}")` : 'Content-Type must be application/json',
    );
  const declared = Number(req.headers['content-length']);
  if (declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new AppError('BAD_INPUT', 'Request body is empty; expected a JSON object');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new AppError('BAD_INPUT', `Malformed JSON: ${(err as Error).message}`);
  }
}

const tooLarge = (limit: number) => new AppError('TOO_LARGE', `Request body exceeds the ${human(limit)} limit`);
