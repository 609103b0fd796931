/**
 * Small helpers the bench modules share: the entry-module check, Markdown tables, figures
 * from /proc and from Redis INFO.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';

/** True when the module whose `import.meta.url` is given is the process's entry (`npx tsx bench/X.bench.ts`). */
export const isEntry = (metaUrl: string): boolean =>
  Boolean(process.argv[1]) && fileURLToPath(metaUrl) === process.argv[1];

/** A Markdown table: one header row, then one row per array of cells. */
export function mdTable(header: string[], rows: (string | number)[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** Bytes to `N MB` (MiB, no decimals unless `digits`). */
export const mb = (bytes: number, digits = 0): string => `${(bytes / 1024 / 1024).toFixed(digits)} MB`;

/** A `/proc/<pid>/status` figure in bytes (`VmRSS`, `VmHWM`); 0 when the process is gone. */
export function procBytes(pid: number, key: 'VmRSS' | 'VmHWM'): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** `used_memory` and `used_memory_peak` (bytes) of the Redis at `url`. */
export async function redisMemory(url: string): Promise<{ used: number; peak: number }> {
  const r = new Redis(url);
  try {
    const info = await r.info('memory');
    const get = (k: string) => Number(new RegExp(`^${k}:(\\d+)`, 'm').exec(info)?.[1] ?? 0);
    return { used: get('used_memory'), peak: get('used_memory_peak') };
  } finally {
    r.disconnect();
  }
}

/**
 * User and system CPU time a process has used so far, µs (`/proc/<pid>/stat` fields 14 and
 * 15, clock ticks of 10 ms); zeros when the process is gone.
 */
export function procCpuUs(pid: number): { user: number; system: number } {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return { user: Number(fields[11]) * 10_000, system: Number(fields[12]) * 10_000 };
  } catch {
    return { user: 0, system: 0 };
  }
}
