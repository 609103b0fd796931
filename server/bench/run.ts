/**
 * `pnpm bench` (from the repository root; builds the server bundle first): runs every
 * benchmark module that exports `run()` — server/bench/*.bench.ts and web/bench/*.bench.ts —
 * one after the other, each measuring its own baseline in the same run, then writes
 * docs/benchmarks.json (every result with its own command, start time, machine, load
 * averages and durations) and the generated tables in docs/benchmarks.md (between
 * `<!-- bench:<name> -->` markers, each under a line naming how it was measured). A
 * `--quick` run writes docs/benchmarks.quick.json only: its figures are a smoke test. A
 * module that throws is recorded with its error, the others still run, and the command
 * exits 1.
 *
 *   pnpm bench               full run
 *   pnpm bench --quick       a smaller run (each module's own `quick` settings), under 3 minutes
 *   pnpm bench --only NAME   just that module (NAME as in `hot-reads` for hot-reads.bench.ts)
 *
 * Modules that do not export `run()` yet are not run here; they are listed (in the output
 * and in docs/benchmarks.md) with the command that runs them alone.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type ModuleRecord, mergeReport, type Report, renderMarkdown } from './report.js';

type BenchResult = { table?: string; error?: string; [k: string]: unknown };
type Module = { name: string; file: string; dir: string; runnable: boolean };

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIRS = ['server/bench', 'web/bench'];
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;

/** Every `*.bench.ts` of the bench folders; runnable when its source exports `run`. */
function discover(): Module[] {
  return DIRS.flatMap((dir) =>
    existsSync(`${ROOT}${dir}`)
      ? readdirSync(`${ROOT}${dir}`)
          .filter((f) => f.endsWith('.bench.ts'))
          .sort()
          .map((f) => ({
            name: f.replace(/\.bench\.ts$/, ''),
            file: `${ROOT}${dir}/${f}`,
            dir,
            runnable: /export\s+(async\s+)?function\s+run\s*\(|export\s+const\s+run\s*=/.test(
              readFileSync(`${ROOT}${dir}/${f}`, 'utf8'),
            ),
          }))
      : [],
  );
}

const aloneCommand = (m: Module) => `cd ${m.dir.replace('/bench', '')} && npx tsx bench/${m.name}.bench.ts`;

const machine = () => ({
  cpus: cpus().length,
  model: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
});

const command = `pnpm bench${quick ? ' --quick' : ''}${only ? ` --only ${only}` : ''}`;
const modules = discover().filter((m) => !only || m.name === only);
if (only && modules.length === 0) throw new Error(`no bench module named ${only}; see server/bench and web/bench`);
const started = Date.now();
const round = (xs: number[]) => xs.map((x) => Math.round(x * 100) / 100);
const results: Record<string, ModuleRecord> = {};
let failed = 0;
for (const m of modules.filter((x) => x.runnable)) {
  const load = loadavg();
  const t0 = Date.now();
  console.log(`\n== ${m.name}${quick ? ' (quick)' : ''} ==`);
  let result: BenchResult;
  try {
    const mod = (await import(pathToFileURL(m.file).href)) as { run: (o: { quick: boolean }) => Promise<BenchResult> };
    result = await mod.run({ quick });
  } catch (e) {
    // One module's failure is recorded and the others still run; the command exits 1.
    failed++;
    console.error(`${m.name} failed:`, e);
    result = { error: e instanceof Error ? e.message : String(e) };
  }
  results[m.name] = {
    ...result,
    at: new Date(t0).toISOString(),
    command,
    machine: machine(),
    loadAverageBefore: round(load),
    loadAverageAfter: round(loadavg()),
    seconds: Math.round((Date.now() - t0) / 100) / 10,
    runSeconds: 0,
  };
  if (result.table) console.log(result.table);
  console.log(`${m.name}: ${results[m.name]?.seconds} s`);
}
const seconds = Math.round((Date.now() - started) / 100) / 10;
for (const r of Object.values(results)) r.runSeconds = seconds;
// Every module without run(), also under --only: the list in the docs is the whole list.
const notWired = discover()
  .filter((m) => !m.runnable)
  .map((m) => ({ name: m.name, command: aloneCommand(m) }));
const report: Report = {
  command,
  at: new Date(started).toISOString(),
  seconds,
  quick,
  machine: machine(),
  results,
  notWired,
};
// A quick run is a smoke test: its figures go to a file of their own, never into the docs.
const jsonPath = `${ROOT}docs/benchmarks${quick ? '.quick' : ''}.json`;
// --only replaces that module's results and keeps the others' (and the top-level fields describing them).
const earlier = only && existsSync(jsonPath) ? (JSON.parse(readFileSync(jsonPath, 'utf8')) as Report) : null;
writeFileSync(jsonPath, `${JSON.stringify(mergeReport(earlier, report, Boolean(only)), null, 2)}\n`);
if (!quick) {
  const mdPath = `${ROOT}docs/benchmarks.md`;
  writeFileSync(mdPath, renderMarkdown(readFileSync(mdPath, 'utf8'), results, notWired));
}
for (const m of notWired) console.log(`not run (no run() export): ${m.name} — ${m.command}`);
for (const [name, r] of Object.entries(results)) console.log(`${name}: ${r.seconds} s${r.error ? ' (failed)' : ''}`);
console.log(`\nbench done in ${seconds} s; ${jsonPath}${quick ? '' : ' and docs/benchmarks.md'} written`);
process.exit(failed > 0 ? 1 : 0);
