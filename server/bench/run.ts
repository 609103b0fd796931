/**
 * `pnpm bench` (from the repository root; builds the server bundle first): runs every
 * benchmark module that exports `run()` — server/bench/*.bench.ts and web/bench/*.bench.ts —
 * one after the other, each measuring its own baseline in the same run, then writes
 * docs/benchmarks.json (every result, the machine, load averages, durations) and the
 * generated tables in docs/benchmarks.md (between `<!-- bench:<name> -->` markers). A
 * `--quick` run writes docs/benchmarks.quick.json only: its figures are a smoke test.
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

type BenchResult = { table?: string; [k: string]: unknown };
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

const modules = discover().filter((m) => !only || m.name === only);
if (only && modules.length === 0) throw new Error(`no bench module named ${only}; see server/bench and web/bench`);
const started = Date.now();
const results: Record<string, unknown> = {};
for (const m of modules.filter((x) => x.runnable)) {
  const load = loadavg();
  const t0 = Date.now();
  console.log(`\n== ${m.name}${quick ? ' (quick)' : ''} ==`);
  const mod = (await import(pathToFileURL(m.file).href)) as { run: (o: { quick: boolean }) => Promise<BenchResult> };
  const result = await mod.run({ quick });
  results[m.name] = {
    ...result,
    loadAverageBefore: load.map((x) => Math.round(x * 100) / 100),
    loadAverageAfter: loadavg().map((x) => Math.round(x * 100) / 100),
    seconds: Math.round((Date.now() - t0) / 100) / 10,
  };
  if (result.table) console.log(result.table);
}
// Every module without run(), also under --only: the list in the docs is the whole list.
const notWired = discover()
  .filter((m) => !m.runnable)
  .map((m) => ({ name: m.name, command: aloneCommand(m) }));
const report = {
  command: `pnpm bench${quick ? ' --quick' : ''}${only ? ` --only ${only}` : ''}`,
  at: new Date(started).toISOString(),
  seconds: Math.round((Date.now() - started) / 100) / 10,
  quick,
  machine: machine(),
  results,
  notWired,
};
// A quick run is a smoke test: its figures go to a file of their own, never into the docs.
const jsonPath = `${ROOT}docs/benchmarks${quick ? '.quick' : ''}.json`;
// --only replaces that module's results and keeps the others' from earlier runs.
const earlier = only && existsSync(jsonPath) ? (JSON.parse(readFileSync(jsonPath, 'utf8')) as typeof report) : null;
const merged = earlier ? { ...report, results: { ...earlier.results, ...results } } : report;
writeFileSync(jsonPath, `${JSON.stringify(merged, null, 2)}\n`);
if (!quick) updateMarkdown(report);
for (const m of notWired) console.log(`not run (no run() export): ${m.name} — ${m.command}`);
console.log(`\nbench done in ${report.seconds} s; ${jsonPath}${quick ? '' : ' and docs/benchmarks.md'} written`);
process.exit(0);

/** Replaces the text between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->` for each result. */
function updateMarkdown(r: typeof report): void {
  const path = `${ROOT}docs/benchmarks.md`;
  let md = readFileSync(path, 'utf8');
  const m = r.machine;
  for (const [name, value] of Object.entries(r.results)) {
    const v = value as BenchResult & { loadAverageBefore: number[]; seconds: number };
    if (!v.table) continue;
    const body = [
      `Measured by \`${r.command}\` on ${r.at.slice(0, 16).replace('T', ' ')} UTC: ${m.cpus} × ${m.model}, ` +
        `${m.memoryGiB} GiB, Node ${m.node.slice(1)}; load average before ${v.loadAverageBefore.join(' / ')}; ` +
        `this bench ${v.seconds} s, the whole run ${r.seconds} s.`,
      '',
      v.table,
    ].join('\n');
    const open = `<!-- bench:${name} -->`;
    const close = `<!-- /bench:${name} -->`;
    const at = md.indexOf(open);
    const end = md.indexOf(close);
    md =
      at >= 0 && end > at
        ? `${md.slice(0, at + open.length)}\n${body}\n${md.slice(end)}`
        : `${md.trimEnd()}\n\n## ${name} (generated)\n\n${open}\n${body}\n${close}\n`;
  }
  const list = r.notWired.map((n) => `| ${n.name} | \`${n.command}\` |`).join('\n');
  const open = '<!-- bench:not-wired -->';
  const close = '<!-- /bench:not-wired -->';
  const table = `| module | run it alone |\n|---|---|\n${list}`;
  const at = md.indexOf(open);
  const end = md.indexOf(close);
  if (at >= 0 && end > at) md = `${md.slice(0, at + open.length)}\n${table}\n${md.slice(end)}`;
  writeFileSync(path, md);
}
