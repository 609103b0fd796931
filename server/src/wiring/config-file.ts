import { basename } from 'node:path';
import type { Logger } from 'pino';
import { channelDeps } from '../alerts/channels/deps.js';
import { announceConfigChange } from '../alerts/config-cache.js';
import { loadSecretKey, type SecretBox, secretBox } from '../alerts/secrets.js';
import type { ExportOmission } from '../config-file/export.js';
import { tenantKey } from '../config-file/schema.js';
import type { ConfigFileDeps } from '../config-file/service.js';
import { configFileDeps } from '../config-file/wiring.js';
import type { Db } from '../db/sql.js';
import { DEMO_CHANNEL, DEMO_RULE } from '../demo/alerts.js';
import { DEMO_TEAMS } from '../demo/dataset.js';
import type { Config } from '../platform/config.js';
import type { ScopeView } from '../policy/scope.js';
import type { PolicyStore } from '../policy/store.js';
import { alertKindStores } from './config-file-alerts.js';

/** What the rules file and the alerting API's writes are built from (the pod's services). */
export type RulesFileParts = {
  db: Pick<Db, 'tx' | 'snapshotTx'>;
  policy: Pick<PolicyStore, 'changed' | 'settingsOf'>;
  log: Logger;
  /** The PostgreSQL schema: the fleet lock's key. */
  schema: string | undefined;
  view: ScopeView;
  loaded: () => boolean;
};

/**
 * The demo's channels and rules (seeded at every start, the channel to a loopback receiver
 * whose port changes per start) as the export leaves them out; the file does not manage them.
 */
export function demoExportOmission(): ExportOmission {
  const tenants = Object.keys(DEMO_TEAMS);
  const channels = new Set(tenants.map((tenantName) => tenantKey({ tenantName, name: DEMO_CHANNEL })));
  const rules = new Set(tenants.map((tenantName) => tenantKey({ tenantName, name: DEMO_RULE })));
  return {
    leaveOut: (kind, o) =>
      !o.managed && ((kind === 'channels' && channels.has(o.key)) || (kind === 'rules' && rules.has(o.key))),
    note: `Left out: the demo's channels "${DEMO_CHANNEL}" and rules "${DEMO_RULE}" (DEMO seeds them at every start).`,
  };
}

/**
 * What alert channel writes need (the target guard, the secret box) and the rules file's
 * deps over every kind, rules and channels included (wiring/config-file-alerts.ts), as the
 * composition root hands them to the alerting API (`alertWrites`, `configFile` for its 409)
 * and to `configFileRouter` / `applyConfigAtStart` (`rulesFile`).
 * @throws Error when DATA_DIR's secret key file is malformed (`loadSecretKey`).
 */
export async function rulesFileWiring(
  config: Config,
  p: RulesFileParts,
): Promise<{
  alertWrites: { channel: ReturnType<typeof channelDeps>; box: SecretBox | null; configFile: string | null };
  rulesFile: ConfigFileDeps;
}> {
  const key = await loadSecretKey(config);
  const writes = { channel: channelDeps(config), box: key && secretBox(key) };
  const rulesFile = configFileDeps({
    path: config.CONFIG_FILE,
    env: process.env,
    db: p.db,
    // After an apply (committed) this pod's alerting engine re-reads rules and channels at once.
    policy: {
      settingsOf: (tenant) => p.policy.settingsOf(tenant),
      changed: async () => {
        announceConfigChange();
        await p.policy.changed();
      },
    },
    log: p.log,
    slackWebhookHost: config.SLACK_WEBHOOK_HOST,
    ...(config.demo ? { exportOmits: demoExportOmission() } : {}),
    databaseUrl: config.DATABASE_URL,
    schema: p.schema,
    alertStores: alertKindStores({ ...writes, view: p.view, loaded: p.loaded }),
  });
  const configFile = config.CONFIG_FILE ? basename(config.CONFIG_FILE) : null;
  return { alertWrites: { ...writes, configFile }, rulesFile };
}
