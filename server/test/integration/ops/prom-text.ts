/**
 * A parser for the Prometheus text exposition format (version 0.0.4), enough to read
 * what a pod serves at /metrics from the outside, as Prometheus would. It is strict:
 * a line it cannot parse, or a sample outside any declared family, throws, so a broken
 * exposition fails the test instead of silently reading as "metric missing".
 */

export type Labels = Record<string, string>;
export type Sample = { name: string; labels: Labels; value: number };
export type Exposition = {
  /** Family name -> type (counter, gauge, histogram, summary, untyped). */
  types: Map<string, string>;
  samples: Sample[];
  /** Sum of the samples named `name` whose labels include `labels`; undefined when none match. */
  value(name: string, labels?: Labels): number | undefined;
};

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const SUFFIXES: Record<string, readonly string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['_sum', '_count'],
};

/** Accepts what Prometheus accepts (Go's ParseFloat: Inf and NaN in any case; prom-client writes `Nan`). */
function parseNumber(text: string, line: string): number {
  if (/^\+?inf(inity)?$/i.test(text)) return Number.POSITIVE_INFINITY;
  if (/^-inf(inity)?$/i.test(text)) return Number.NEGATIVE_INFINITY;
  if (/^nan$/i.test(text)) return Number.NaN;
  const n = Number(text);
  if (text === '' || Number.isNaN(n)) throw new Error(`bad sample value in: ${line}`);
  return n;
}

/** `{a="x",b="y\"z"}` starting at `at`; returns the labels and the index after `}`. */
function parseLabels(line: string, at: number): { labels: Labels; end: number } {
  const labels: Labels = {};
  let i = at + 1;
  for (;;) {
    if (line[i] === '}') return { labels, end: i + 1 };
    const name = NAME.exec(line.slice(i))?.[0];
    if (!name || line[i + name.length] !== '=' || line[i + name.length + 1] !== '"')
      throw new Error(`bad label at column ${i} in: ${line}`);
    i += name.length + 2;
    let value = '';
    for (;;) {
      const c = line[i];
      if (c === undefined) throw new Error(`unterminated label value in: ${line}`);
      if (c === '"') break;
      if (c === '\\') {
        const next = line[i + 1];
        value += next === 'n' ? '\n' : (next ?? '');
        i += 2;
      } else {
        value += c;
        i += 1;
      }
    }
    labels[name] = value;
    i += 1;
    if (line[i] === ',') i += 1;
  }
}

function familyOf(name: string, types: Map<string, string>): string | undefined {
  if (types.has(name)) return name;
  for (const [family, type] of types) if ((SUFFIXES[type] ?? []).some((s) => name === family + s)) return family;
  return undefined;
}

export function parseExposition(text: string): Exposition {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*)(?: (.*))?$/.exec(line);
      if (m?.[1] === 'TYPE') types.set(m[2] as string, m[3] ?? 'untyped');
      continue; // other comments are allowed by the format
    }
    const name = NAME.exec(line)?.[0];
    if (!name) throw new Error(`bad sample line: ${line}`);
    let rest = line.slice(name.length);
    let labels: Labels = {};
    if (rest.startsWith('{')) {
      const parsed = parseLabels(rest, 0);
      labels = parsed.labels;
      rest = rest.slice(parsed.end);
    }
    const [value, timestamp, extra] = rest.trim().split(/\s+/);
    if (
      !rest.startsWith(' ') ||
      value === undefined ||
      extra !== undefined ||
      (timestamp && !/^-?\d+$/.test(timestamp))
    )
      throw new Error(`bad sample line: ${line}`);
    if (!familyOf(name, types)) throw new Error(`sample ${name} has no # TYPE line`);
    samples.push({ name, labels, value: parseNumber(value, line) });
  }
  const value = (name: string, want: Labels = {}) => {
    const matching = samples.filter(
      (s) => s.name === name && Object.entries(want).every(([k, v]) => s.labels[k] === v),
    );
    return matching.length === 0 ? undefined : matching.reduce((sum, s) => sum + s.value, 0);
  };
  return { types, samples, value };
}

/** GET /metrics on a pod, parsed. */
export async function scrape(url: string): Promise<Exposition> {
  const res = await fetch(`${url}/metrics`);
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  return parseExposition(await res.text());
}
