import { readFileSync } from 'node:fs';
import { Inspector, inspectorUrl } from './inspector.js';

/** One settled memory reading of a process, bytes. */
export type MemoryReading = {
  /** Resident set size after the forced GC (Linux /proc). */
  rss: number;
  /** RSS just before the forced GC: the difference is garbage V8 had not collected yet. */
  rssBeforeGc: number;
  /** V8 heap in use before and after the forced GC (`Runtime.getHeapUsage`). */
  heapUsedBeforeGc: number;
  heapUsedAfterGc: number;
};

/** Resident set size of a process in bytes (Linux /proc/PID/status), or null when it is gone. */
export function rssOf(pid: number): number | null {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * Forces a full, compacting GC in a pod process over its inspector (`HeapProfiler.collectGarbage`)
 * and then reads its RSS, so that RSS compares live memory rather than how much garbage V8 had
 * chosen to keep (a process under load can hold 50–100 MB of it between major GCs). `output`
 * is the process's stderr (where Node prints the inspector URL). Rejects when the process has
 * no inspector or does not answer within `timeoutMs`.
 */
export async function settledMemory(pid: number, output: string, timeoutMs = 30_000): Promise<MemoryReading> {
  const url = inspectorUrl(output);
  if (!url) throw new Error(`process ${pid} printed no inspector URL (started without --inspect?)`);
  const inspector = await Inspector.connect(url, timeoutMs);
  try {
    type Usage = { usedSize: number; totalSize: number };
    const before = await inspector.call<Usage>('Runtime.getHeapUsage', {}, timeoutMs);
    const rssBeforeGc = rssOf(pid) ?? 0;
    // Twice: the first pass runs finalizers (e.g. of socket handles) whose memory the second frees.
    await inspector.call('HeapProfiler.collectGarbage', {}, timeoutMs);
    await inspector.call('HeapProfiler.collectGarbage', {}, timeoutMs);
    const after = await inspector.call<Usage>('Runtime.getHeapUsage', {}, timeoutMs);
    const rss = rssOf(pid);
    if (rss === null) throw new Error(`process ${pid} is gone`);
    return { rss, rssBeforeGc, heapUsedBeforeGc: before.usedSize, heapUsedAfterGc: after.usedSize };
  } finally {
    inspector.close();
  }
}
