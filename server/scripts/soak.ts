// A long chaos soak: `pnpm soak --minutes 10 --seed 42` (defaults: 10 minutes, a random seed,
// printed first so a failure can be replayed). Exits 1 when an invariant broke.
import { parseArgs } from 'node:util';
import { formatReport, runSoak } from '../test/soak/soak.js';

const { values } = parseArgs({
  options: { minutes: { type: 'string', default: '10' }, seed: { type: 'string' }, json: { type: 'string' } },
});
const minutes = Number(values.minutes);
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
if (!(minutes > 0) || !Number.isInteger(seed)) {
  console.error('usage: pnpm soak [--minutes N] [--seed S] [--json FILE]');
  process.exit(2);
}
console.log(`soak: seed ${seed}, ${minutes} min of faults`);
const report = await runSoak({ seed, faultMs: minutes * 60_000, settleMs: 60_000, log: console.log });
console.log(formatReport(report));
if (values.json) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
}
process.exit(report.problems.length === 0 ? 0 : 1);
