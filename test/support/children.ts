import type { ChildProcess } from 'node:child_process';

// A test that crashes must not leave servers behind. Test runners end their workers with
// SIGTERM, which skips 'exit' handlers: kill the servers, then let the signal do its work.
const running = new Set<ChildProcess>();
const killAll = () => {
  for (const child of running) child.kill('SIGKILL');
};
process.once('exit', killAll);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    killAll();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

/**
 * Kills `child` (SIGKILL) when this process exits or receives SIGTERM/SIGINT, unless it has
 * exited first. Every server a test starts goes through here.
 */
export function killOnExit(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
}
