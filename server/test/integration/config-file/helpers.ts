import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { adminGuard } from '../../../src/auth/admin.js';
import { SessionSigner } from '../../../src/auth/session.js';
import type { App } from '../../../src/bootstrap.js';
import { configFileRouter } from '../../../src/config-file/router.js';
import type { ConfigFileDeps } from '../../../src/config-file/service.js';
import { configFileDeps } from '../../../src/config-file/wiring.js';
import { parseTokens } from '../../../src/trpc/tokens.js';
import { createCallerFactory } from '../../../src/trpc/trpc.js';
import { PG_URL } from '../../support/app.js';
import { INGEST_TOKENS } from '../policy/fixture.js';

/** A rules file in a temporary directory; `write` replaces its text. */
export function rulesFile(text: string) {
  const path = join(mkdtempSync(join(tmpdir(), 'sla-rules-')), 'alerts.yaml');
  writeFileSync(path, text);
  return { path, write: (t: string) => writeFileSync(path, t) };
}

/** The rules file's deps over a booted pod, as the composition root wires them. */
export const depsOf = (pod: App, path: string, schema: string, env: Record<string, string> = {}): ConfigFileDeps =>
  configFileDeps({
    path,
    env,
    db: pod.deps.db,
    policy: pod.deps.policy,
    log: pod.deps.log,
    databaseUrl: PG_URL,
    schema,
  });

const guard = adminGuard({ tokens: parseTokens(INGEST_TOKENS), sessions: new SessionSigner(undefined, false) });

/** `configFile.*` called as a request bearing `token` would (the same admin guard the pod uses). */
export function callerAs(d: ConfigFileDeps, token: string) {
  return createCallerFactory(configFileRouter(d))({
    authorization: `Bearer ${token}`,
    cookie: undefined,
    idempotencyKey: undefined,
    setHeader: () => undefined,
    guards: {
      read: () => undefined,
      ingest: () => {
        throw new Error('not used');
      },
      admin: guard,
    },
  });
}

/** Rows of `sla_audit` with `action`, and of the tables the file writes. */
export async function tableCounts(schema: string) {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    const n = async (q: string) => Number((await client.query(q)).rows[0].n);
    return {
      applies: await n(`SELECT count(*) AS n FROM "${schema}".sla_audit WHERE action = 'apply'`),
      audit: await n(`SELECT count(*) AS n FROM "${schema}".sla_audit`),
      windows: await n(`SELECT count(*) AS n FROM "${schema}".sla_maintenance_window WHERE deleted_at IS NULL`),
      targets: await n(`SELECT count(*) AS n FROM "${schema}".sla_config_target`),
      settings: await n(`SELECT count(*) AS n FROM "${schema}".sla_tenant_settings`),
    };
  } finally {
    await client.end();
  }
}
