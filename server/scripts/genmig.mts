// Prints the difference between the entity definitions and a migrated schema (should be empty).
import pino from 'pino';
import { migrate, openOrm } from '../src/db/orm.ts';

const log = pino({ level: 'warn' });
const cfg = {
  databaseUrl: 'postgresql://postgres@127.0.0.1:5432/test',
  dataDir: '',
  poolSize: 2,
  schema: `genmig_${Date.now()}`,
};
const { orm, close } = await openOrm(cfg, log);
await migrate(orm, cfg, log);
console.log(JSON.stringify(await orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false })));
await orm.em.getConnection().execute(`drop schema ${cfg.schema} cascade`);
await close();
