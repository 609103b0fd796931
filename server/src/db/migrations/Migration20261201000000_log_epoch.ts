import { Migration } from '@mikro-orm/migrations';

/**
 * The change log's identity (see db/entities.ts `SlaLogEpoch`). The row itself is minted
 * by the first pod that starts (changelog/epoch.ts), so each database gets its own.
 */
export class Migration20261201000000_log_epoch extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "sla_log_epoch" ("id" smallint not null, "epoch" varchar(32) not null, "minted_at" timestamptz not null, "reason" varchar(256) not null, constraint "sla_log_epoch_pkey" primary key ("id"));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "sla_log_epoch";');
  }
}
