import { Migration } from '@mikro-orm/migrations';

/**
 * The audit log, per-tenant budget settings and maintenance windows (see db/entities.ts
 * `SlaAudit`, `SlaTenantSettings`, `SlaMaintenanceWindow`).
 */
export class Migration20261202010000_policy extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "sla_audit" ("id" bigserial primary key, "at" timestamptz not null, "actor" varchar(64) not null, "action" varchar(32) not null, "object_type" varchar(32) not null, "object_id" varchar(64) not null, "tenant_name" varchar(256) null, "before" jsonb null, "after" jsonb null);`,
    );
    this.addSql(`create index "sla_audit_tenant_idx" on "sla_audit" ("tenant_name", "id");`);
    this.addSql(`create index "sla_audit_object_idx" on "sla_audit" ("object_type", "object_id");`);
    this.addSql(
      `create table "sla_maintenance_window" ("id" serial primary key, "tenant_name" varchar(256) not null, "team_name" varchar(256) null, "entity_type" varchar(64) null, "entity_id" int null, "category" varchar(32) not null, "reason" varchar(500) not null, "start" timestamptz not null, "end" timestamptz not null, "rrule" varchar(1000) null, "time_zone" varchar(64) not null, "until" timestamptz null, "created_by" varchar(64) not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "deleted_at" timestamptz null);`,
    );
    this.addSql(`create index "sla_maintenance_window_tenant_idx" on "sla_maintenance_window" ("tenant_name");`);
    this.addSql(
      `create table "sla_tenant_settings" ("tenant_name" varchar(256) not null, "time_zone" varchar(64) null, "window_days" smallint null, "nodata_policy" varchar(16) null, "updated_at" timestamptz not null, constraint "sla_tenant_settings_pkey" primary key ("tenant_name"));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "sla_tenant_settings";');
    this.addSql('drop table if exists "sla_maintenance_window";');
    this.addSql('drop table if exists "sla_audit";');
  }
}
