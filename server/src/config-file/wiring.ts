import type { Logger } from 'pino';
import type { Db } from '../db/sql.js';
import type { PolicyStore } from '../policy/store.js';
import { notWiredStore } from './alert-stores.js';
import type { ExportOmission } from './export.js';
import { localFleetLock, pgFleetLock } from './lock.js';
import { pgConfigTarget } from './pg-target.js';
import { tenantStore, windowStore } from './policy-stores.js';
import type { ConfigFileDeps } from './service.js';
import type { KindStore } from './target.js';
import { targetStore } from './target-store.js';

export type ConfigFileWiring = {
  /** CONFIG_FILE. */
  path: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  db: Pick<Db, 'tx' | 'snapshotTx'>;
  policy: Pick<PolicyStore, 'changed' | 'settingsOf'>;
  log: Logger;
  /** DATABASE_URL and the schema: the fleet lock's connection and key; unset (embedded database): an in-process lock. */
  databaseUrl: string | undefined;
  schema: string | undefined;
  /** SLACK_WEBHOOK_HOST (default hooks.slack.com): the Slack webhook host the file's channels are checked with. */
  slackWebhookHost?: string;
  /** Objects the export leaves out (`ConfigFileDeps.exportOmits`). */
  exportOmits?: ExportOmission;
  /** Stores over the alert rule and channel tables; default: `notWiredStore` for both. */
  alertStores?: { rules: KindStore; channels: KindStore };
};

/**
 * Everything the rules file needs, from what the composition root has: the policy stores
 * (windows, tenant settings) and the target store over PostgreSQL, rules and channels from
 * `alertStores`, the fleet lock, and the PolicyStore's reload + pub/sub as the announcement.
 */
export function configFileDeps(w: ConfigFileWiring): ConfigFileDeps {
  const stores = [
    tenantStore(),
    w.alertStores?.channels ?? notWiredStore('channels'),
    w.alertStores?.rules ?? notWiredStore('rules'),
    windowStore,
    targetStore,
  ];
  return {
    path: w.path,
    env: w.env,
    slackWebhookHost: w.slackWebhookHost,
    exportOmits: w.exportOmits,
    zoneOf: (tenant) => w.policy.settingsOf(tenant).timeZone,
    log: w.log,
    lock: w.databaseUrl ? pgFleetLock(w.databaseUrl, w.schema) : localFleetLock(),
    target: pgConfigTarget({
      db: w.db,
      stores,
      fileName: w.path ? (w.path.split('/').pop() ?? w.path) : 'rules file',
      announce: () => w.policy.changed(),
    }),
  };
}
