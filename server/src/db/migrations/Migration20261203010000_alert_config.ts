import { Migration } from '@mikro-orm/migrations';

/**
 * Alerting configuration: rules, notification channels (secrets sealed) and silences (see
 * db/entities.ts `SlaAlertRule`, `SlaAlertChannel`, `SlaAlertSilence`).
 */
export class Migration20261203010000_alert_config extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "sla_alert_rule" ("id" serial primary key, "tenant_name" varchar(256) not null, "name" varchar(256) not null, "kind" varchar(16) not null, "rule" jsonb not null, "managed_by_file" boolean not null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`,
    );
    this.addSql(
      `alter table "sla_alert_rule" add constraint "sla_alert_rule_name_unique" unique ("tenant_name", "name");`,
    );
    this.addSql(
      `create table "sla_alert_channel" ("tenant_name" varchar(256) not null, "name" varchar(256) not null, "kind" varchar(16) not null, "url" varchar(2048) null, "slack_channel" varchar(256) null, "sealed" text null, "has_secret" boolean not null, "has_bot_token" boolean not null, "managed_by_file" boolean not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "sla_alert_channel_pkey" primary key ("tenant_name", "name"));`,
    );
    this.addSql(
      `create table "sla_alert_silence" ("id" serial primary key, "tenant_name" varchar(256) not null, "team_name" varchar(256) null, "entity_type" varchar(64) null, "entity_id" int null, "rule_name" varchar(256) null, "starts_at" timestamptz not null, "ends_at" timestamptz not null, "reason" varchar(500) not null, "created_by" varchar(64) not null, "created_at" timestamptz not null);`,
    );
    this.addSql(`create index "sla_alert_silence_ends_idx" on "sla_alert_silence" ("ends_at");`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "sla_alert_silence";');
    this.addSql('drop table if exists "sla_alert_channel";');
    this.addSql('drop table if exists "sla_alert_rule";');
  }
}
