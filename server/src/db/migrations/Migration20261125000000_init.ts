import { Migration } from '@mikro-orm/migrations';

/** Entities and the append-only change log (see db/entities.ts). */
export class Migration20261125000000_init extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "sla_entity" ("id" serial primary key, "tenant_name" varchar(256) not null, "team_name" varchar(256) not null, "entity_type" varchar(64) not null, "entity_name" varchar(256) not null, "sla_target" double precision not null, "current_sla" double precision not null, "status" varchar(16) not null, "status_since" timestamptz not null, "observed_at" timestamptz not null, "updated_at" timestamptz not null, "version" bigint not null, "details" jsonb null);`,
    );
    this.addSql(
      `alter table "sla_entity" add constraint "sla_entity_identity_unique" unique ("tenant_name", "team_name", "entity_type", "entity_name");`,
    );
    this.addSql(
      `create table "sla_change" ("id" bigint not null, "entity_id" int not null, "tenant_name" varchar(256) not null, "team_name" varchar(256) not null, "entity_type" varchar(64) not null, "entity_name" varchar(256) not null, "previous_sla" double precision null, "previous_status" varchar(16) null, "current_sla" double precision not null, "status" varchar(16) not null, "sla_target" double precision not null, "status_since" timestamptz not null, "observed_at" timestamptz not null, "received_at" timestamptz not null, "applied" boolean not null, "source" varchar(64) not null, "details" jsonb null, constraint "sla_change_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "sla_change_entity_observed_idx" on "sla_change" ("entity_id", "observed_at");`);
    this.addSql(`create index "sla_change_tenant_idx" on "sla_change" ("tenant_name", "id");`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "sla_change";');
    this.addSql('drop table if exists "sla_entity";');
  }
}
