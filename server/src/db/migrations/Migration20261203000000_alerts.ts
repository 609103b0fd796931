import { Migration } from '@mikro-orm/migrations';

/**
 * Alert state, the alert outbox, the delivery log and fleet leases (see db/entities.ts
 * `SlaAlert`, `SlaAlertOutbox`, `SlaAlertDelivery`, `SlaLease`).
 */
export class Migration20261203000000_alerts extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "sla_alert" ("fingerprint" varchar(64) not null, "state" varchar(16) not null, "sequence" int not null, "rule_name" varchar(256) not null, "kind" varchar(16) not null, "tier" varchar(32) null, "severity" varchar(16) not null, "tenant_name" varchar(256) not null, "team_name" varchar(256) null, "entity_id" int null, "since" timestamptz not null, "resolved_at" timestamptz null, "acknowledged_by" varchar(64) null, "acknowledged_at" timestamptz null, "last_change" jsonb not null, "updated_at" timestamptz not null, constraint "sla_alert_pkey" primary key ("fingerprint"));`,
    );
    this.addSql(`create index "sla_alert_tenant_state_idx" on "sla_alert" ("tenant_name", "state");`);
    this.addSql(
      `create table "sla_alert_outbox" ("id" bigserial primary key, "fingerprint" varchar(64) not null, "sequence" int not null, "tenant_name" varchar(256) not null, "team_name" varchar(256) null, "channel" varchar(256) not null, "change" jsonb not null, "created_at" timestamptz not null, "delivery_id" uuid null, "delivered_at" timestamptz null, "dropped_at" timestamptz null);`,
    );
    this.addSql(`create index "sla_alert_outbox_channel_idx" on "sla_alert_outbox" ("channel", "id");`);
    this.addSql(
      `create table "sla_alert_delivery" ("delivery_id" uuid not null, "channel" varchar(256) not null, "tenant_name" varchar(256) not null, "team_name" varchar(256) null, "outbox_ids" bigint[] not null, "attempts" int not null, "last_status" int null, "last_error" varchar(1000) null, "attempt_log" jsonb not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "delivered_at" timestamptz null, "abandoned_at" timestamptz null, constraint "sla_alert_delivery_pkey" primary key ("delivery_id"));`,
    );
    this.addSql(`create index "sla_alert_delivery_created_idx" on "sla_alert_delivery" ("created_at");`);
    this.addSql(`create index "sla_alert_delivery_channel_idx" on "sla_alert_delivery" ("channel", "delivered_at");`);
    this.addSql(
      `create table "sla_lease" ("name" varchar(64) not null, "holder" varchar(256) not null, "token" bigint not null, "expires_at" timestamptz not null, constraint "sla_lease_pkey" primary key ("name"));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "sla_lease";');
    this.addSql('drop table if exists "sla_alert_delivery";');
    this.addSql('drop table if exists "sla_alert_outbox";');
    this.addSql('drop table if exists "sla_alert";');
  }
}
