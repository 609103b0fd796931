import { Migration } from '@mikro-orm/migrations';

/**
 * The fleet registry of pods without Redis (see db/entities.ts `SlaPodHeartbeat` and
 * cache/pg-fleet-registry.ts): each pod's latest heartbeat.
 */
export class Migration20261201120000_pod_heartbeat extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "sla_pod_heartbeat" ("pod" varchar(256) not null, "beat" jsonb not null, "beat_at" timestamptz not null, constraint "sla_pod_heartbeat_pkey" primary key ("pod"));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "sla_pod_heartbeat";');
  }
}
