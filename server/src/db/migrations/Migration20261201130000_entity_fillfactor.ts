import { Migration } from '@mikro-orm/migrations';

/**
 * Leaves a fifth of each `sla_entity` page free, so that overwriting an entity's state
 * (what nearly every ingest does) can be a heap-only update: the new row version goes on
 * the same page and no index is touched. Pages written before this keep their rows until
 * they are next rewritten; nothing else changes.
 */
export class Migration20261201130000_entity_fillfactor extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table "sla_entity" set (fillfactor = 80);');
  }

  override async down(): Promise<void> {
    this.addSql('alter table "sla_entity" reset (fillfactor);');
  }
}
