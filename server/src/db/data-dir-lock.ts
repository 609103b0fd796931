import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

/** Who holds an embedded data directory: written into its lock file. */
type LockHolder = { pid: number; host: string; startedAt: string; podId: string };

/** Another live process has the data directory open; starting would corrupt or lose its data. */
class DataDirInUse extends Error {
  constructor(
    readonly dir: string,
    readonly holder: LockHolder,
    readonly lockFile: string,
  ) {
    super(
      `The embedded database in ${dir} is in use by pod ${holder.podId} (pid ${holder.pid} on ${holder.host}, ` +
        `started ${holder.startedAt}). Two processes on one data directory lose acknowledged writes: stop that ` +
        `process, give this one another DATA_DIR, or set DATABASE_URL so pods share PostgreSQL. If that process ` +
        `is gone for good, delete ${lockFile}.`,
    );
    this.name = 'DataDirInUse';
  }
}

const LOCK_FILE = 'sla.lock';
/** The holder touches its lock file this often, so a holder on another host can be told from a dead one. */
const HEARTBEAT_MS = 10_000;
/** A lock file untouched for this long belongs to a dead (or frozen) process. */
const STALE_MS = 60_000;

/** Directories this process holds: a second open in the same process is refused too. */
const heldHere = new Set<string>();

const pidAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
};

/**
 * Whether the recorded holder still runs. On this host the process table answers at once
 * (a pod killed with SIGKILL must not block its own restart); our own pid in the file is
 * a predecessor's (a container restarts as pid 1 again). Another host's process cannot be
 * asked: its heartbeat (the file's mtime) must be recent. A recycled pid on this host is
 * caught by the heartbeat too.
 */
function holderAlive(h: LockHolder, mtimeMs: number): boolean {
  const fresh = Date.now() - mtimeMs < STALE_MS;
  if (h.host !== hostname()) return fresh;
  return h.pid !== process.pid && pidAlive(h.pid) && fresh;
}

const parse = (raw: string): LockHolder | null => {
  try {
    const h = JSON.parse(raw) as Partial<LockHolder>;
    return typeof h.pid === 'number' && typeof h.host === 'string' ? (h as LockHolder) : null;
  } catch {
    return null;
  }
};

/**
 * Takes the data directory for this process: an exclusive create (`wx`) of
 * `<dir>/sla.lock` holding `{ pid, host, startedAt, podId }`, touched every 10 s. A lock
 * left by a dead process is taken over (renamed away first, so two processes breaking the
 * same stale lock cannot both win). Returns `release`, which deletes the file if it is
 * still ours.
 * @throws DataDirInUse naming the live holder.
 */
export async function lockDataDir(dir: string, podId: string): Promise<{ release: () => Promise<void> }> {
  const path = join(resolve(dir), LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), podId };
  if (heldHere.has(path)) throw new DataDirInUse(dir, me, path);
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await fs.writeFile(path, JSON.stringify(me), { flag: 'wx' });
      return hold(path, me);
    } catch (err) {
      if ((err as { code?: string }).code !== 'EEXIST') throw err;
    }
    const found = await readHolder(path);
    if (!found) continue;
    if (found.holder && holderAlive(found.holder, found.mtimeMs)) throw new DataDirInUse(dir, found.holder, path);
    // A holder that wrote nothing parseable for a whole heartbeat period died mid-write.
    if (!found.holder && Date.now() - found.mtimeMs < HEARTBEAT_MS) {
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    await breakStale(path, found.raw);
  }
  throw new Error(`Could not take the lock ${path}: it keeps changing hands`);
}

async function readHolder(path: string): Promise<{ raw: string; holder: LockHolder | null; mtimeMs: number } | null> {
  try {
    const [raw, stat] = await Promise.all([fs.readFile(path, 'utf8'), fs.stat(path)]);
    return { raw, holder: parse(raw), mtimeMs: stat.mtimeMs };
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return null;
    throw err;
  }
}

/** Moves the stale file aside; if what moved is not the stale content (a new holder won meanwhile), puts it back. */
async function breakStale(path: string, staleRaw: string): Promise<void> {
  const aside = `${path}.stale-${process.pid}-${Date.now()}`;
  try {
    await fs.rename(path, aside);
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return;
    throw err;
  }
  const moved = await fs.readFile(aside, 'utf8');
  if (moved !== staleRaw) await fs.link(aside, path).catch(() => undefined);
  await fs.unlink(aside);
}

function hold(path: string, me: LockHolder): { release: () => Promise<void> } {
  heldHere.add(path);
  const heartbeat = setInterval(() => {
    const now = new Date();
    void fs.utimes(path, now, now).catch(() => undefined);
  }, HEARTBEAT_MS);
  heartbeat.unref();
  return {
    release: async () => {
      clearInterval(heartbeat);
      heldHere.delete(path);
      const found = await readHolder(path);
      if (found?.holder?.pid === me.pid && found.holder.startedAt === me.startedAt) await fs.unlink(path);
    },
  };
}
