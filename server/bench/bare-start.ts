/**
 * Starting the benches' bare baseline (bench/bare-server.ts) as its own process, and what it
 * replays of a pod's response: one place for the hot-reads and budget-state benches.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StoredAnswer } from './bare-server.js';

/** Header fields Node's server adds to every response itself (the bare server's too). */
export const NODE_ADDS = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

/**
 * Writes `answers` (url → stored answers) to `dir/answers.json` and starts the bare server on
 * them; resolves once it printed its port. Rejects when it exits first.
 */
export async function startBare(answers: Record<string, { identity: StoredAnswer; gzip?: StoredAnswer }>, dir: string) {
  const file = join(dir, 'answers.json');
  writeFileSync(file, JSON.stringify(answers));
  const script = fileURLToPath(new URL('./bare-server.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.once('data', (d) => resolve(Number(String(d).trim())));
    child.once('exit', (code) => reject(new Error(`bare server exited (${code})`)));
  });
  return { url: `http://127.0.0.1:${port}`, pid: child.pid as number, close: () => child.kill('SIGTERM') };
}

/** Fields the bare server sends under BENCH_BARE_HEADERS=minimal. */
const MINIMAL = new Set(['content-type', 'content-encoding', 'content-length']);

/**
 * What the bare server replays of a pod response: its body and header fields (a flat
 * name/value list); `minimal`: only those of BENCH_BARE_HEADERS=minimal.
 */
export function stored(r: { body: Buffer; rawHeaders: string[] }, minimal: boolean): StoredAnswer {
  const headers: string[] = [];
  for (let i = 0; i < r.rawHeaders.length; i += 2) {
    const name = (r.rawHeaders[i] as string).toLowerCase();
    if (NODE_ADDS.has(name) || (minimal && !MINIMAL.has(name))) continue;
    headers.push(r.rawHeaders[i] as string, r.rawHeaders[i + 1] as string);
  }
  return { body: r.body.toString('base64'), headers };
}
