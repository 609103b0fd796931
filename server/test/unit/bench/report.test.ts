import { describe, expect, it } from 'vitest';
import {
  headerLine,
  type ModuleRecord,
  mergeReport,
  type Report,
  renderMarkdown,
  replaceSection,
} from '../../../bench/report.js';

const machine = { cpus: 2, model: 'Test CPU', memoryGiB: 7.8, node: 'v20.20.2', platform: 'linux x64' };
const record = (over: Partial<ModuleRecord> = {}): ModuleRecord => ({
  table: '| a |\n|---|\n| 1 |',
  at: '2026-12-01T06:30:12.345Z',
  command: 'pnpm bench',
  machine,
  loadAverageBefore: [3.5, 4, 5.25],
  loadAverageAfter: [4, 4.5, 5],
  seconds: 12.3,
  runSeconds: 150.2,
  ...over,
});
const report = (over: Partial<Report> = {}): Report => ({
  command: 'pnpm bench',
  at: '2026-12-01T05:00:00.000Z',
  seconds: 900,
  quick: false,
  machine,
  results: {},
  notWired: [],
  ...over,
});

describe('replaceSection', () => {
  it('replaces only the text between the named markers and keeps the text around them', () => {
    const md =
      'intro\n<!-- bench:a -->\nold a\n<!-- /bench:a -->\nmiddle\n<!-- bench:b -->\nold b\n<!-- /bench:b -->\nend\n';
    const out = replaceSection(md, 'a', 'new a\n');
    expect(out).toBe(
      'intro\n<!-- bench:a -->\nnew a\n<!-- /bench:a -->\nmiddle\n<!-- bench:b -->\nold b\n<!-- /bench:b -->\nend\n',
    );
    expect(replaceSection(out, 'a', 'newer')).toBe(out.replace('new a', 'newer'));
  });

  it('does not take a marker whose name starts with the same letters', () => {
    const md = '<!-- bench:cache -->\nx\n<!-- /bench:cache -->\n<!-- bench:cache-x -->\ny\n<!-- /bench:cache-x -->\n';
    expect(replaceSection(md, 'cache-x', 'z')).toBe(
      '<!-- bench:cache -->\nx\n<!-- /bench:cache -->\n<!-- bench:cache-x -->\nz\n<!-- /bench:cache-x -->\n',
    );
  });

  it('appends a generated section when the markers are missing or out of order', () => {
    expect(replaceSection('# T\n', 'x', 'body')).toBe(
      '# T\n\n## x (generated)\n\n<!-- bench:x -->\nbody\n<!-- /bench:x -->\n',
    );
    const swapped = '<!-- /bench:x -->\n<!-- bench:x -->\n';
    expect(replaceSection(swapped, 'x', 'b')).toContain('## x (generated)');
  });
});

describe('headerLine', () => {
  it('names the command, the minute in UTC, the machine, load averages and both durations', () => {
    expect(headerLine(record({ command: 'pnpm bench --only cache' }))).toBe(
      'Measured by `pnpm bench --only cache` on 2026-12-01 06:30 UTC: 2 × Test CPU, 7.8 GiB, Node 20.20.2; ' +
        'load average before 3.5 / 4 / 5.25, after 4 / 4.5 / 5; this bench 12.3 s, the whole run 150.2 s.',
    );
  });
});

describe('renderMarkdown', () => {
  it('writes each table under its header line, skips results without a table and rewrites the not-wired list', () => {
    const md =
      '<!-- bench:a -->\n<!-- /bench:a -->\n<!-- bench:b -->\nkept\n<!-- /bench:b -->\n<!-- bench:not-wired -->\nold\n<!-- /bench:not-wired -->\n';
    const out = renderMarkdown(md, { a: record(), b: record({ table: undefined, error: 'boom' }) }, [
      { name: 'ingest', command: 'cd server && npx tsx bench/ingest.bench.ts' },
    ]);
    expect(out).toBe(
      `<!-- bench:a -->\n${headerLine(record())}\n\n| a |\n|---|\n| 1 |\n<!-- /bench:a -->\n` +
        '<!-- bench:b -->\nkept\n<!-- /bench:b -->\n' +
        '<!-- bench:not-wired -->\n| module | run it alone |\n|---|---|\n| ingest | `cd server && npx tsx bench/ingest.bench.ts` |\n<!-- /bench:not-wired -->\n',
    );
  });
});

describe('mergeReport', () => {
  it('a run of every module replaces the earlier report', () => {
    const current = report({ at: '2026-12-01T07:00:00.000Z', results: { a: record() } });
    expect(mergeReport(report({ results: { old: record() } }), current, false)).toBe(current);
  });

  it('--only keeps the earlier top-level fields and results, replacing just its module', () => {
    const earlier = report({ results: { a: record({ seconds: 1 }), b: record({ seconds: 2 }) } });
    const fresh = record({ command: 'pnpm bench --only a', at: '2026-12-01T07:00:00.000Z', seconds: 9 });
    const current = report({ command: 'pnpm bench --only a', at: fresh.at, seconds: 9, results: { a: fresh } });
    const merged = mergeReport(earlier, current, true);
    expect(merged.command).toBe('pnpm bench');
    expect(merged.at).toBe(earlier.at);
    expect(merged.seconds).toBe(900);
    expect(merged.results.a).toBe(fresh);
    expect(merged.results.b).toEqual(earlier.results.b);
  });

  it('gives earlier results without their own record the earlier top-level command, time and machine', () => {
    const earlier = report({ results: { old: { table: 't', seconds: 5 } } });
    const merged = mergeReport(earlier, report({ command: 'pnpm bench --only a', results: { a: record() } }), true);
    expect(merged.results.old).toEqual({
      table: 't',
      seconds: 5,
      at: earlier.at,
      command: 'pnpm bench',
      machine,
      runSeconds: 900,
    });
  });

  it('--only with no earlier report writes the run as it is', () => {
    const current = report({ command: 'pnpm bench --only a', results: { a: record() } });
    expect(mergeReport(null, current, true)).toBe(current);
  });
});
