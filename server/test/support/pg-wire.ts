import type { ProxyTap } from '../../../test/support/tcp-proxy.js';

/** What a `pgTransactionTap` has seen so far. */
export type WireTransactions = {
  /** Transactions ended (committed, rolled back, or one autocommit statement). */
  count: number;
  /** Per statement (the first of each transaction, its first 80 characters): how many transactions began with it. */
  byStatement: Map<string, number>;
};

/**
 * Counts the PostgreSQL transactions that cross one `startTcpProxy` (pass it as the tap), read
 * from the wire protocol: a transaction ends at each ReadyForQuery ('Z') whose status is idle
 * ('I') — after an autocommit statement, a COMMIT or a ROLLBACK — except the first on a
 * connection, which only ends its start-up. Exact and immediate, unlike pg_stat_database,
 * whose backends postpone flushing their counts by up to a minute when the machine is busy.
 * Hand-written because no npm package exposes a frame reader for a relayed byte stream; it
 * reads only message framing (type byte + int32 length; see the protocol's "Message Formats").
 * Assumes no TLS (the proxy would see ciphertext).
 */
export function pgTransactionTap(): ProxyTap & { take(): WireTransactions } {
  const fromClient = new Map<number, Buffer>();
  const fromServer = new Map<number, Buffer>();
  const started = new Set<number>();
  const readySeen = new Set<number>();
  const firstStatement = new Map<number, string>();
  let seen: WireTransactions = { count: 0, byStatement: new Map() };

  /** Appends `chunk` and returns the complete messages (type, body); keeps the rest for later. */
  function frames(buffers: Map<number, Buffer>, id: number, chunk: Buffer, untypedFirst: boolean) {
    let buf = Buffer.concat([buffers.get(id) ?? Buffer.alloc(0), chunk]);
    const out: { type: string; body: Buffer }[] = [];
    // The client's start-up message has no type byte: int32 length (itself included), then the body.
    if (untypedFirst && !started.has(id)) {
      if (buf.length < 4 || buf.length < buf.readInt32BE(0)) {
        buffers.set(id, buf);
        return out;
      }
      started.add(id);
      buf = buf.subarray(buf.readInt32BE(0));
    }
    while (buf.length >= 5) {
      const total = 1 + buf.readInt32BE(1);
      if (buf.length < total) break;
      out.push({ type: String.fromCharCode(buf[0] ?? 0), body: buf.subarray(5, total) });
      buf = buf.subarray(total);
    }
    buffers.set(id, buf);
    return out;
  }

  return {
    fromClient(id, chunk) {
      for (const { type, body } of frames(fromClient, id, chunk, true)) {
        // Query: the SQL text; Parse: statement name, then the SQL text.
        const sql = type === 'Q' ? body : type === 'P' ? body.subarray(body.indexOf(0) + 1) : null;
        const text = sql ? sql.subarray(0, Math.max(0, sql.indexOf(0))).toString('utf8') : '';
        if (text && !firstStatement.has(id)) firstStatement.set(id, text.replace(/\s+/g, ' ').slice(0, 80));
      }
    },
    fromServer(id, chunk) {
      for (const { type, body } of frames(fromServer, id, chunk, false)) {
        if (type !== 'Z') continue;
        if (!readySeen.has(id)) {
          readySeen.add(id);
          continue;
        }
        if (body[0] !== 'I'.charCodeAt(0)) continue;
        const statement = firstStatement.get(id) ?? '(no statement)';
        firstStatement.delete(id);
        seen.count++;
        seen.byStatement.set(statement, (seen.byStatement.get(statement) ?? 0) + 1);
      }
    },
    take() {
      const out = seen;
      seen = { count: 0, byStatement: new Map() };
      return out;
    },
  };
}
