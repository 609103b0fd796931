/**
 * Pure helpers of `pnpm bench` (bench/run.ts): the per-module record, merging a run into
 * the earlier JSON report, and the generated sections of docs/benchmarks.md.
 */

/** What a machine is, as recorded with each result. */
export type Machine = { cpus: number; model: string; memoryGiB: number; node: string; platform: string };

/** One module's result as recorded: its own figures plus when, how and where it was measured. */
export type ModuleRecord = {
  table?: string;
  error?: string;
  /** ISO time the module started. */
  at: string;
  /** The command that ran it (`pnpm bench`, `pnpm bench --only NAME`, with `--quick`). */
  command: string;
  machine: Machine;
  loadAverageBefore: number[];
  loadAverageAfter: number[];
  /** This module's duration, seconds. */
  seconds: number;
  /** The duration of the whole command that ran it, seconds. */
  runSeconds: number;
  [k: string]: unknown;
};

export type Report = {
  /** The command, start and machine of the last run that ran every module (or of this run when there was none). */
  command: string;
  at: string;
  seconds: number;
  quick: boolean;
  machine: Machine;
  results: Record<string, ModuleRecord | Record<string, unknown>>;
  notWired: { name: string; command: string }[];
};

/**
 * The report to write after a run: a run of every module replaces the earlier report; a
 * `--only` run replaces just its modules' results and keeps the earlier top-level
 * `command`/`at`/`seconds`/`machine` (they describe the other modules' run). Earlier
 * results recorded before each result carried its own `at`/`command`/`machine` get the
 * earlier top-level values, which were theirs.
 */
export function mergeReport(earlier: Report | null, current: Report, only: boolean): Report {
  if (!only || !earlier) return current;
  const backfilled = Object.fromEntries(
    Object.entries(earlier.results).map(([name, r]) => [
      name,
      'at' in r
        ? r
        : { ...r, at: earlier.at, command: earlier.command, machine: earlier.machine, runSeconds: earlier.seconds },
    ]),
  );
  return {
    ...earlier,
    quick: current.quick,
    notWired: current.notWired,
    results: { ...backfilled, ...current.results },
  };
}

/** The line above a generated table: command, time, machine, load average and durations. */
export function headerLine(r: ModuleRecord): string {
  const m = r.machine;
  return (
    `Measured by \`${r.command}\` on ${r.at.slice(0, 16).replace('T', ' ')} UTC: ${m.cpus} × ${m.model}, ` +
    `${m.memoryGiB} GiB, Node ${m.node.replace(/^v/, '')}; load average before ${r.loadAverageBefore.join(' / ')}, ` +
    `after ${r.loadAverageAfter.join(' / ')}; this bench ${r.seconds} s, the whole run ${r.runSeconds} s.`
  );
}

/**
 * `md` with the text between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->` replaced by
 * `body` (the markers kept, each on its own line); without both markers in that order, a
 * section `## NAME (generated)` holding them is appended.
 */
export function replaceSection(md: string, name: string, body: string): string {
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const at = md.indexOf(open);
  const end = md.indexOf(close, at + open.length);
  if (at >= 0 && end > at) return `${md.slice(0, at + open.length)}\n${body.trim()}\n${md.slice(end)}`;
  return `${md.trimEnd()}\n\n## ${name} (generated)\n\n${open}\n${body.trim()}\n${close}\n`;
}

/** docs/benchmarks.md with the tables of `results` (those with a table) and the not-wired list. */
export function renderMarkdown(
  md: string,
  results: Record<string, ModuleRecord>,
  notWired: { name: string; command: string }[],
): string {
  let out = md;
  for (const [name, r] of Object.entries(results))
    if (r.table) out = replaceSection(out, name, `${headerLine(r)}\n\n${r.table}`);
  const list = notWired.map((n) => `| ${n.name} | \`${n.command}\` |`).join('\n');
  // The list's markers are written by hand; a missing list is not appended.
  if (out.includes('<!-- bench:not-wired -->'))
    out = replaceSection(out, 'not-wired', `| module | run it alone |\n|---|---|\n${list}`);
  return out;
}
