import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { migrationsList } from '../../../src/db/migrations/index.js';
import { migrate, openOrm } from '../../../src/db/orm.js';
import { createTestDatabase } from '../../support/database.js';

const log = pino({ level: 'silent' });

describe('migrations', () => {
  it('apply on an empty PostgreSQL schema, from several pods at once, leaving no difference to the entities', async () => {
    // A database of its own: the schema diff reads the whole catalogue, where other test
    // files create and drop schemas meanwhile.
    const database = await createTestDatabase('migrate');
    const schema = 'sla';
    const cfg = { databaseUrl: database.url, dataDir: '', poolSize: 2, schema };
    const pods = await Promise.all([openOrm(cfg, log), openOrm(cfg, log), openOrm(cfg, log)]);
    try {
      await Promise.all(pods.map((p) => migrate(p.orm, cfg, log)));
      const first = pods[0]?.orm as (typeof pods)[0]['orm'];
      expect(await first.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false, schema })).toBe('');
      const applied = await first.em.getConnection().execute(`SELECT name FROM "${schema}".mikro_orm_migrations`);
      expect(applied).toHaveLength(migrationsList.length);
    } finally {
      for (const p of pods) await p.close();
      await database.drop();
    }
  });

  it('apply on the embedded database, and reopening finds nothing pending', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sla-mig-'));
    const cfg = { dataDir: dir, poolSize: 1 };
    try {
      const a = await openOrm(cfg, log);
      await migrate(a.orm, cfg, log);
      expect(await a.orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false })).toBe('');
      await a.close();
      const b = await openOrm(cfg, log);
      expect(await b.orm.getMigrator().getPendingMigrations()).toHaveLength(0);
      await b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
