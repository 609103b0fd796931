import net from 'node:net';

/**
 * A minimal one-shot RESP2 client for the topology harness. ioredis lives in the server
 * package and does not resolve from `test/support`, and `redis-cli` exits 0 on error replies
 * and prints bulk strings and arrays alike, so the harness speaks the protocol itself: one
 * connection per command, which also makes a frozen node a clean timeout rather than a
 * client stuck behind it.
 */
export type Reply = string | number | null | Reply[];

/** The server answered with an error reply (`-ERR …`, `-MOVED …`, …). */
export class ReplyError extends Error {
  override name = 'ReplyError';
}

export type CommandOptions = {
  /** Sent with AUTH before the command. */
  password?: string;
  /** Milliseconds for connect + reply; a frozen or dead node rejects after this. Default 2000. */
  timeoutMs?: number;
};

const ERROR = Symbol('error');
type Parsed = Reply | { [ERROR]: string };

/**
 * Runs one command on 127.0.0.1:`port` and resolves to its reply (bulk strings as UTF-8).
 * Rejects with ReplyError on an error reply (also a failed AUTH), or with an Error on
 * timeout or connection failure.
 */
export function redisCommand(port: number, args: (string | number)[], options: CommandOptions = {}): Promise<Reply> {
  const { password, timeoutMs = 2000 } = options;
  const commands = password === undefined ? [args] : [['AUTH', password], args];
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let buffer = Buffer.alloc(0);
    const replies: Parsed[] = [];
    const timer = setTimeout(() => finish(new Error(`port ${port}: no reply within ${timeoutMs} ms`)), timeoutMs);
    const finish = (error: Error | null, reply?: Reply) => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(reply ?? null);
    };
    socket.once('error', (error) => finish(new Error(`port ${port}: ${error.message}`)));
    socket.once('close', () => finish(new Error(`port ${port}: connection closed before the reply`)));
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        let parsed: ReturnType<typeof parseReply>;
        try {
          parsed = parseReply(buffer, 0);
        } catch (error) {
          return finish(error as Error);
        }
        if (parsed === undefined) return;
        replies.push(parsed.value);
        buffer = buffer.subarray(parsed.next);
        const last = parsed.value;
        if (isError(last)) return finish(new ReplyError(last[ERROR]));
        if (replies.length === commands.length) return finish(null, last as Reply);
      }
    });
    socket.write(commands.map(encode).join(''));
  });
}

function isError(value: Parsed): value is { [ERROR]: string } {
  return typeof value === 'object' && value !== null && ERROR in value;
}

function encode(args: (string | number)[]): string {
  let out = `*${args.length}\r\n`;
  for (const arg of args) out += `$${Buffer.byteLength(String(arg))}\r\n${arg}\r\n`;
  return out;
}

/** Parses one reply at `at`; undefined while the buffer holds only part of it. */
function parseReply(buf: Buffer, at: number): { value: Parsed; next: number } | undefined {
  const end = buf.indexOf('\r\n', at);
  if (end < 0) return undefined;
  const line = buf.toString('utf8', at + 1, end);
  const next = end + 2;
  switch (buf[at]) {
    case 0x2b: // +simple
      return { value: line, next };
    case 0x2d: // -error
      return { value: { [ERROR]: line }, next };
    case 0x3a: // :integer
      return { value: Number(line), next };
    case 0x24: {
      // $bulk
      const length = Number(line);
      if (length < 0) return { value: null, next };
      if (buf.length < next + length + 2) return undefined;
      return { value: buf.toString('utf8', next, next + length), next: next + length + 2 };
    }
    case 0x2a: {
      // *array; an error inside an array (EXEC) stays an element
      const count = Number(line);
      if (count < 0) return { value: null, next };
      const items: Reply[] = [];
      let cursor = next;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buf, cursor);
        if (item === undefined) return undefined;
        items.push(isError(item.value) ? item.value[ERROR] : item.value);
        cursor = item.next;
      }
      return { value: items, next: cursor };
    }
    default:
      throw new Error(`unexpected RESP type byte ${buf[at]}`);
  }
}
