import type { IncomingMessage } from 'node:http';
import { TRPCError } from '@trpc/server';

const human = (bytes: number) => (bytes >= 1024 * 1024 ? `${bytes / 1024 / 1024} MiB` : `${bytes / 1024} KiB`);

/** Reads a JSON body with a size cap, answering 415/413/400 with what was wrong. */
export async function readBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type))
    throw new TRPCError({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: type ? `Content-Type must be application/json (got "${type}")` : 'Content-Type must be application/json',
    });
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
  if (text.trim() === '')
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'Request body is empty; expected a JSON object' });
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: `Malformed JSON: ${(err as Error).message}` });
  }
}

const tooLarge = (limit: number) =>
  new TRPCError({ code: 'PAYLOAD_TOO_LARGE', message: `Request body exceeds the ${human(limit)} limit` });
