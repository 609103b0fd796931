import { Migration } from '@mikro-orm/migrations';

/** Closed compliance reports, one row per revision (see db/entities.ts SlaReportSnapshot). */
export class Migration20261202020000_report_snapshot extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "sla_report_snapshot" ("tenant_name" varchar(256) not null, "scope" varchar(300) not null, "period" varchar(16) not null, "revision" int not null, "period_from" timestamptz not null, "period_to" timestamptz not null, "content" jsonb not null, "content_hash" varchar(64) not null, "reason" varchar(256) not null, "created_at" timestamptz not null, constraint "sla_report_snapshot_pkey" primary key ("tenant_name", "scope", "period", "revision"));`,
    );
    this.addSql(`create index "sla_report_snapshot_period_to_idx" on "sla_report_snapshot" ("period_to");`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "sla_report_snapshot";');
  }
}
