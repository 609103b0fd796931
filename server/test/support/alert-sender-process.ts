/**
 * One alert sender as an OS process of its own, for tests that SIGKILL it mid-delivery:
 * `node --import tsx test/support/alert-sender-process.ts` with DATABASE_URL, SCHEMA,
 * RECEIVER_URL, HOLDER, LEASE_TTL_MS, GROUP_INTERVAL_MS and optionally MAX_CHANGES_PER_MESSAGE
 * (default 100) in the environment. Logs JSON
 * lines to stdout; SIGTERM stops it cleanly (releasing the lease).
 */
import pino from 'pino';
import { PgLease } from '../../src/alerts/lease.js';
import { OutboxSender } from '../../src/alerts/sender.js';
import { openOrm } from '../../src/db/orm.js';
import { sqlRunner } from '../../src/db/sql.js';
import { httpSend } from './alert-receiver.js';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};
const holder = env('HOLDER');
const log = pino({ level: 'info', base: { holder } });
const { orm, close } = await openOrm(
  { databaseUrl: env('DATABASE_URL'), dataDir: '', poolSize: 3, schema: env('SCHEMA') },
  log,
);
const db = sqlRunner(orm);
const lease = new PgLease(db, { name: 'alert-sender', holder, ttlMs: Number(env('LEASE_TTL_MS')), log });
const sender = new OutboxSender(
  { db, lease, send: httpSend(env('RECEIVER_URL'), 30_000, holder), log },
  {
    groupIntervalMs: Number(env('GROUP_INTERVAL_MS')),
    pollMs: 50,
    retryBaseMs: 100,
    retryCapMs: 1_000,
    maxChangesPerMessage: Number(process.env.MAX_CHANGES_PER_MESSAGE ?? 100),
  },
);
sender.start();
log.info('alert sender started');
process.once('SIGTERM', async () => {
  await sender.stop();
  await close();
  process.exit(0);
});
