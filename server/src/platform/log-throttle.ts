import type { Logger } from 'pino';

type Level = 'error' | 'warn';
type Window = { level: Level; fields: Record<string, unknown>; msg: string; repeats: number; timer: NodeJS.Timeout };

/**
 * Keeps a failure that repeats (one per request, one per retry, one per reconnect while a
 * dependency is down) from flooding the log: the first occurrence of a key is logged at
 * once, later ones within `intervalMs` are only counted, and when the interval ends one
 * summary line carries the count (`repeated`, over `intervalMs`) and the last occurrence's
 * fields. A flood therefore costs at most two lines per key per interval, and a single
 * failure still shows at once. Keys beyond `maxKeys` open windows (a message text that
 * varies per occurrence, say) go to debug rather than growing the map.
 */
export class LogThrottle {
  private readonly windows = new Map<string, Window>();

  /**
   * @param log the JSON logger lines go to
   * @param intervalMs how long repeats of one key are counted before a summary (ms)
   * @param maxKeys open windows at most
   */
  constructor(
    private readonly log: Logger,
    private readonly intervalMs = 60_000,
    private readonly maxKeys = 64,
  ) {}

  /** Logs at error unless `key` already logged within the interval (then only counts it). */
  error(key: string, fields: Record<string, unknown>, msg: string): void {
    this.emit('error', key, fields, msg);
  }

  /** The same at warn. */
  warn(key: string, fields: Record<string, unknown>, msg: string): void {
    this.emit('warn', key, fields, msg);
  }

  /** Writes the summaries of every open window now (on shutdown, so no count is lost). */
  flush(): void {
    for (const key of [...this.windows.keys()]) this.close(key);
  }

  private emit(level: Level, key: string, fields: Record<string, unknown>, msg: string): void {
    const open = this.windows.get(key);
    if (open) {
      open.repeats++;
      Object.assign(open, { level, fields, msg });
      return;
    }
    if (this.windows.size >= this.maxKeys) return void this.log.debug(fields, msg);
    this.log[level](fields, msg);
    const timer = setTimeout(() => this.close(key), this.intervalMs);
    timer.unref();
    this.windows.set(key, { level, fields, msg, repeats: 0, timer });
  }

  private close(key: string): void {
    const w = this.windows.get(key);
    if (!w) return;
    clearTimeout(w.timer);
    this.windows.delete(key);
    if (w.repeats > 0) this.log[w.level]({ ...w.fields, repeated: w.repeats, overMs: this.intervalMs }, w.msg);
  }
}

const shared = new WeakMap<Logger, LogThrottle>();

/**
 * The throttle of everything that logs through `log` (one per pod, since each pod has its
 * own logger), so callers that hold only a logger share one window per key.
 */
export function throttleFor(log: Logger): LogThrottle {
  let t = shared.get(log);
  if (!t) {
    t = new LogThrottle(log);
    shared.set(log, t);
  }
  return t;
}
