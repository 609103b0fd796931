import { Migration } from '@mikro-orm/migrations';

/** Remembered answers of ingest requests sent with an `Idempotency-Key` (see db/entities.ts SlaIdempotency). */
export class Migration20261201000000_idempotency extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "sla_idempotency" ("scope" varchar(64) not null, "key" varchar(255) not null, "fingerprint" varchar(64) not null, "results" jsonb not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, constraint "sla_idempotency_pkey" primary key ("scope", "key"));`,
    );
    this.addSql(`create index "sla_idempotency_expires_idx" on "sla_idempotency" ("expires_at");`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "sla_idempotency";');
  }
}
