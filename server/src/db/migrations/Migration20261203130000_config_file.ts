import { Migration } from '@mikro-orm/migrations';

/**
 * Rules as code (config-file/): `sla_config_object` names the objects the rules file manages
 * (kind + the file's key → the stored object's id, and the spec as the file wrote it, with
 * `${NAME}` placeholders only); `sla_config_target` holds the SLA targets the file declares,
 * which ingest prefers over a poller's `slaTarget`.
 */
export class Migration20261203130000_config_file extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "sla_config_object" ("kind" varchar(16) not null, "key" varchar(1100) not null, "object_id" varchar(64) null, "spec" jsonb not null, "applied_at" timestamptz not null, constraint "sla_config_object_pkey" primary key ("kind", "key"));`,
    );
    this.addSql(
      `create table "sla_config_target" ("key" varchar(1100) not null, "tenant_name" varchar(256) not null, "team_name" varchar(256) null, "entity_type" varchar(256) null, "entity_name" varchar(256) null, "entity_id" int null, "sla_target" double precision not null, constraint "sla_config_target_pkey" primary key ("key"));`,
    );
    this.addSql(`create index "sla_config_target_tenant_idx" on "sla_config_target" ("tenant_name");`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "sla_config_target";');
    this.addSql('drop table if exists "sla_config_object";');
  }
}
