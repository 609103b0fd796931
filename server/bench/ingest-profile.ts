/** Summarises the CPU profiles a `BENCH_PROFILE=<dir>` run wrote: npx tsx bench/ingest-profile.ts <dir> [skip seconds] */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { summariseProfile } from './ingest-pods.js';

const dir = process.argv[2] ?? '.';
const skip = Number(process.argv[3] ?? 0);
const groups = [
  /@trpc\/server/,
  /\/zod\//,
  /knex|@mikro-orm/,
  /\/pg\/|pg-protocol/,
  /ioredis/,
  /pino/,
  /prom-client/,
  /helmet|cors/,
  /src\/ingest\//,
  /src\/http\//,
  /src\/cache\//,
  /node:internal\/modules|tsx/,
];
for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
  const { top, groups: g } = summariseProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')), 30, groups, skip);
  console.log(`\n== ${file}\n-- self time\n${top.join('\n')}\n-- inclusive\n${g.join('\n')}`);
}
