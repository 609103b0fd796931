import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261125000000_init } from './Migration20261125000000_init.js';
import { Migration20261201000000_idempotency } from './Migration20261201000000_idempotency.js';
import { Migration20261201000000_log_epoch } from './Migration20261201000000_log_epoch.js';
import { Migration20261201120000_pod_heartbeat } from './Migration20261201120000_pod_heartbeat.js';
import { Migration20261201130000_entity_fillfactor } from './Migration20261201130000_entity_fillfactor.js';
import { Migration20261202010000_policy } from './Migration20261202010000_policy.js';
import { Migration20261202020000_report_snapshot } from './Migration20261202020000_report_snapshot.js';
import { Migration20261203000000_alerts } from './Migration20261203000000_alerts.js';
import { Migration20261203010000_alert_config } from './Migration20261203010000_alert_config.js';
import { Migration20261203130000_config_file } from './Migration20261203130000_config_file.js';
import { Migration20261203131500_alert_slack_ref } from './Migration20261203131500_alert_slack_ref.js';

/** Listed in code (not discovered from disk) so the same list works under tsx, bundles and tests. */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261125000000_init', class: Migration20261125000000_init },
  { name: 'Migration20261201000000_log_epoch', class: Migration20261201000000_log_epoch },
  { name: 'Migration20261201000000_idempotency', class: Migration20261201000000_idempotency },
  { name: 'Migration20261201120000_pod_heartbeat', class: Migration20261201120000_pod_heartbeat },
  { name: 'Migration20261201130000_entity_fillfactor', class: Migration20261201130000_entity_fillfactor },
  { name: 'Migration20261202010000_policy', class: Migration20261202010000_policy },
  { name: 'Migration20261202020000_report_snapshot', class: Migration20261202020000_report_snapshot },
  { name: 'Migration20261203000000_alerts', class: Migration20261203000000_alerts },
  { name: 'Migration20261203010000_alert_config', class: Migration20261203010000_alert_config },
  { name: 'Migration20261203130000_config_file', class: Migration20261203130000_config_file },
  { name: 'Migration20261203131500_alert_slack_ref', class: Migration20261203131500_alert_slack_ref },
];
