import type { Socket } from 'node:net';
import pg from 'pg';

/** A pooled node-postgres client, as the pool's `afterCreate` hook receives it. */
export type RawClient = { readyForQuery: boolean; processID: number | null; connection: { stream: Socket } };

/**
 * Silence on a connection with a query outstanding for this long makes the watchdog ask
 * PostgreSQL, on a connection of its own, whether the query's backend is still working.
 */
const SILENT_QUERY_MS = 1_500;
/** How long that question may take; no answer means the server (or the path to it) is gone. */
const PROBE_MS = 1_000;

/** What PostgreSQL says about one backend: working on a query, or our query is lost. */
export type Verdict = 'working' | 'lost';

/**
 * Asks PostgreSQL over a fresh connection what backend `pid` is doing. `working` when it
 * is running a statement (a lock wait, a long query: PostgreSQL is silent on the socket
 * but alive) or when the server answers but cannot say (too many connections, no
 * permission to see the row); `lost` when the server does not answer within PROBE_MS,
 * refuses, or the backend is gone or idle (its answer will never reach us).
 */
export async function probeBackend(connectionString: string, pid: number): Promise<Verdict> {
  const client = new pg.Client({
    connectionString,
    connectionTimeoutMillis: PROBE_MS,
    query_timeout: PROBE_MS,
    application_name: 'sla-watchdog',
  });
  client.on('error', () => undefined);
  const deadline = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('probe timed out')), PROBE_MS));
  try {
    const rows = await Promise.race([
      client.connect().then(() => client.query<{ state: string | null }>(STATE_SQL, [pid])),
      deadline,
    ]);
    const row = rows.rows[0];
    if (!row) return 'lost';
    return row.state === null || row.state === 'active' || row.state === 'fastpath function call' ? 'working' : 'lost';
  } catch (err) {
    // The server answered, but with "too many clients" or "out of resources": alive, and it cannot say more.
    return /^53/.test(String((err as { code?: unknown }).code ?? '')) ? 'working' : 'lost';
  } finally {
    deadline.catch(() => undefined);
    void client.end().catch(() => undefined);
  }
}

const STATE_SQL = 'SELECT state FROM pg_stat_activity WHERE pid = $1';

/**
 * Per pool: the silence watchdog. A vanished host or a black-holed network never closes
 * a socket, so a query on it would wait forever; PostgreSQL working on a query (waiting
 * for a lock, running a long statement) is silent on the socket too. After SILENT_QUERY_MS
 * of silence with a query outstanding, the watchdog asks (`probe`) and only destroys the
 * socket — failing its query, and closing the idle connections that most likely lead
 * nowhere either — when the answer is `lost`; a working backend is asked again after the
 * next silent period. `enabled` is off while migrations run long DDL.
 */
export class SilenceWatchdog {
  enabled = true;
  private readonly clients = new Set<RawClient>();

  constructor(private readonly probe: (pid: number) => Promise<Verdict>) {}

  /** Watches one pooled connection for as long as it is open. */
  watch(client: RawClient): void {
    const socket = client.connection.stream;
    this.clients.add(client);
    socket.once('close', () => this.clients.delete(client));
    socket.setTimeout(SILENT_QUERY_MS);
    let asking = false;
    socket.on('timeout', () => {
      if (!this.enabled || client.readyForQuery || asking) return;
      asking = true;
      const heard = socket.bytesRead;
      const pid = client.processID;
      const verdict = pid === null ? Promise.resolve<Verdict>('lost') : this.probe(pid);
      void verdict.then((v) => {
        asking = false;
        if (socket.destroyed || client.readyForQuery) return;
        // Working, or the answer was only waiting for a busy event loop to read it (the backend then
        // looks idle): not silence. Node fires 'timeout' once per idle period, so arm it again.
        if (v === 'working' || socket.bytesRead !== heard) return void socket.setTimeout(SILENT_QUERY_MS);
        socket.destroy(
          new Error(`Connection terminated: PostgreSQL sent nothing during a query and did not confirm working on it`),
        );
        for (const other of this.clients) if (other.readyForQuery) other.connection.stream.destroy();
      });
    });
  }
}
