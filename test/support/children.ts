import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';

// A test that crashes must not leave servers behind. Test runners end their workers with
// SIGTERM, which skips 'exit' handlers: kill the servers, then let the signal do its work.
// A runner that handles SIGTERM itself may keep the worker going a while (into the next
// beforeAll): nothing new starts once the signal came.
const running = new Set<ChildProcess>();
const dirs = new Set<string>();
let endingBy: NodeJS.Signals | 'exit' | null = null;
const cleanUp = (by: NodeJS.Signals | 'exit') => {
  endingBy = by;
  for (const child of running) child.kill('SIGKILL');
  for (const dir of dirs) {
    // The killed servers may still be writing (SIGKILL lands asynchronously): retry, and never
    // throw from here, or the remaining directories are left behind.
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 });
    } catch {}
  }
};
process.once('exit', () => cleanUp('exit'));
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    cleanUp(signal);
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

/**
 * Kills `child` (SIGKILL) when this process exits or receives SIGTERM/SIGINT, unless it has
 * exited first. Every server a test starts goes through here. After such a signal it kills
 * `child` at once and throws, so a worker told to stop starts nothing more.
 */
export function killOnExit(child: ChildProcess): void {
  if (endingBy !== null) {
    child.kill('SIGKILL');
    throw new Error(`not starting a server: the test process is ending (${endingBy})`);
  }
  running.add(child);
  child.once('exit', () => running.delete(child));
}

/** Removes `dir` (recursively) when this process exits or is signalled, like killOnExit; forget it with the returned function. */
export function removeOnExit(dir: string): () => void {
  dirs.add(dir);
  return () => dirs.delete(dir);
}

// A worker killed with SIGKILL runs no handler at all: the kernel's parent-death signal
// (setpriv --pdeathsig, which then execs the server under the same pid) covers that case.
const SETPRIV = '/usr/bin/setpriv';
const withDeathSignal = existsSync(SETPRIV);

/**
 * Spawns `redis-server args` (output ignored) that dies with this process in every case:
 * killOnExit for exits and signals, the parent-death signal for a SIGKILLed test worker.
 * Signals sent to the returned child reach redis-server itself (same pid).
 */
export function spawnServer(args: string[]): ChildProcess {
  const child = withDeathSignal
    ? spawn(SETPRIV, ['--pdeathsig', 'KILL', 'redis-server', ...args], { stdio: 'ignore' })
    : spawn('redis-server', args, { stdio: 'ignore' });
  killOnExit(child);
  return child;
}
