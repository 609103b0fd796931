import { createHash } from 'node:crypto';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { AppError } from '../platform/errors.js';
import { referencesIn, resolveEnv } from './env.js';
import { type DesiredObject, type DesiredState, OBJECT_KINDS, type ObjectKind } from './model.js';
import { type ConfigFile, configFileSchema, itemSchemas, targetKey, tenantKey } from './schema.js';

/** One problem in a rules file: 1-based line, the path inside the document (`rules.2.name`), what is wrong. */
export type FileProblem = { line: number; path: string; message: string };

/**
 * A rules file that cannot be applied. Its message lists every problem as
 * `<file>:<line>: <path>: <message>`, one per line; nothing was applied.
 */
export class ConfigFileError extends AppError {
  /** `code`: BAD_INPUT (400) by default; CONFLICT (409) when stored objects stand in the way. */
  constructor(
    readonly fileName: string,
    readonly problems: FileProblem[],
    code: 'BAD_INPUT' | 'CONFLICT' = 'BAD_INPUT',
  ) {
    super(code, problems.map((p) => `${fileName}:${p.line}: ${p.path ? `${p.path}: ` : ''}${p.message}`).join('\n'));
    this.name = 'ConfigFileError';
  }
}

// Beside the objects rather than in them: a plan is compared and answered without positions.
const declaredLines = new WeakMap<DesiredObject, number>();

/** The 1-based line of the file that declares `o` (an object `parseConfigFile` returned), else undefined. */
export const declaredLine = (o: DesiredObject): number | undefined => declaredLines.get(o);

const sectionLines = new WeakMap<DesiredState, Partial<Record<ObjectKind, number>>>();

/** The 1-based line of the section (`channels:` …) of `kind` in the file `desired` was parsed from, else undefined. */
export const sectionLine = (desired: DesiredState, kind: ObjectKind): number | undefined =>
  sectionLines.get(desired)?.[kind];

/** Channel fields that carry credentials: in plans and exports they keep their `${NAME}` form. */
const SECRET_FIELDS = [['url'], ['secret'], ['slack', 'botToken']] as const;

const pick = (o: unknown, path: readonly string[]): unknown =>
  path.reduce<unknown>(
    (v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined),
    o,
  );

/**
 * A channel's comparable form: credential fields as written (`${NAME}` placeholders) and a
 * SHA-256 of their resolved values, so a rotated secret shows as an update without the
 * value ever appearing in a plan, an export or the registry.
 */
function channelSpec(raw: unknown, value: ConfigFile['channels'][number]): Record<string, unknown> {
  const spec: Record<string, unknown> = JSON.parse(JSON.stringify(value));
  const resolved: Partial<Record<SecretField, string>> = {};
  for (const path of SECRET_FIELDS) {
    const written = pick(raw, path);
    if (typeof written !== 'string' || referencesIn(written).length === 0) continue;
    resolved[path.join('.') as SecretField] = String(pick(value, path));
    const parent = path.length === 1 ? spec : (spec[path[0]] as Record<string, unknown>);
    parent[path[path.length - 1] as string] = written;
  }
  spec.secretDigest = secretDigest(resolved);
  return spec;
}

/**
 * The paths of credentials written literally in the file (not as `${NAME}`): a webhook
 * secret, a Slack bot token, a Slack incoming-webhook URL (itself a credential). Refused, so a
 * secret never sits in the file's copy the service keeps, in a plan or in an export.
 */
function literalCredentials(raw: Record<string, unknown[] | undefined>): (string | number)[][] {
  const out: (string | number)[][] = [];
  (Array.isArray(raw.channels) ? raw.channels : []).forEach((c, i) => {
    for (const path of SECRET_FIELDS) {
      if (path[0] === 'url' && pick(c, ['kind']) !== 'slack') continue;
      const written = pick(c, path);
      if (typeof written === 'string' && written !== '' && referencesIn(written).length === 0)
        out.push(['channels', i, ...path]);
    }
  });
  return out;
}

/** A credential field of a channel, as a dotted path. */
export type SecretField = 'url' | 'secret' | 'slack.botToken';

/**
 * The SHA-256 (hex) a channel's spec carries as `secretDigest`: over the resolved values of
 * the credential fields written as `${NAME}` (`values`, by field), in a fixed order. A store
 * reading a channel the API made computes it over the opened secrets it exports as
 * placeholders, so reloading the export with the same values plans nothing.
 */
export function secretDigest(values: Partial<Record<SecretField, string>>): string {
  const digest = createHash('sha256');
  for (const path of SECRET_FIELDS) {
    const v = values[path.join('.') as SecretField];
    if (v !== undefined) digest.update(`${path.join('.')}=${v}\n`);
  }
  return digest.digest('hex');
}

const plain = (v: unknown): Record<string, unknown> => JSON.parse(JSON.stringify(v));
const iso = (s: string) => new Date(Date.parse(s)).toISOString();

/** The desired state the validated file declares (raw: the document before `${NAME}` resolution). */
function desiredOf(file: ConfigFile, raw: Record<string, unknown[] | undefined>): DesiredState {
  const obj = (key: string, spec: Record<string, unknown>, value: unknown): DesiredObject => ({ key, spec, value });
  return {
    tenants: file.tenants.map((t) =>
      obj(
        t.tenantName,
        {
          tenantName: t.tenantName,
          timeZone: t.timeZone ?? null,
          windowDays: t.windowDays ?? null,
          noDataPolicy: t.noDataPolicy ?? null,
        },
        t,
      ),
    ),
    channels: file.channels.map((c, i) => obj(tenantKey(c), channelSpec(raw.channels?.[i], c), c)),
    rules: file.rules.map((r) => obj(tenantKey(r), plain(r), r)),
    windows: file.windows.map((w) => {
      const { key, ...rest } = w;
      const spec = {
        ...plain(rest),
        start: iso(w.start),
        end: iso(w.end),
        until: w.until === null ? null : iso(w.until),
      };
      return obj(key, spec, w);
    }),
    targets: file.targets.map((t) => obj(targetKey(t), plain(t), t)),
  };
}

/**
 * Reads a rules file: YAML (the `yaml` package, positions kept by a `LineCounter`), every
 * `${NAME}` resolved from `env`, then validated with the API's own schemas (schema.ts).
 * Returns the desired state per kind.
 * `options.slackWebhookHost`: SLACK_WEBHOOK_HOST (default `hooks.slack.com`), as the API uses.
 * @throws ConfigFileError naming the line and path of each problem: YAML syntax, a missing
 *   environment variable (named), a field the schemas refuse, an unknown field at any depth,
 *   a wrong `version`.
 */
export function parseConfigFile(
  text: string,
  fileName: string,
  env: Readonly<Record<string, string | undefined>>,
  options: { slackWebhookHost?: string } = {},
): DesiredState {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (offset: number | undefined) => (offset === undefined ? 1 : lineCounter.linePos(offset).line);
  if (doc.errors.length > 0)
    throw new ConfigFileError(
      fileName,
      doc.errors.map((e) => ({ line: lineOf(e.pos[0]), path: '', message: e.message.split('\n')[0] ?? e.code })),
    );
  // The line of the deepest node the path reaches (a missing field: its parent's line).
  const lineAt = (path: readonly PropertyKey[]): number => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n) as unknown[], true) as { range?: [number, number, number] } | undefined;
      if (node && typeof node === 'object' && node.range) return lineOf(node.range[0]);
    }
    return 1;
  };
  const raw = (doc.toJS() ?? {}) as Record<string, unknown[] | undefined>;
  const { value, missing } = resolveEnv(raw, env);
  if (missing.length > 0)
    throw new ConfigFileError(
      fileName,
      missing.map((m) => ({
        line: lineAt(m.path),
        path: m.path.join('.'),
        message: `environment variable ${m.name} is not set`,
      })),
    );
  const parsed = configFileSchema(options.slackWebhookHost).safeParse(value);
  const unknown = unknownKeysOf(value, options.slackWebhookHost).map((path) => ({
    line: lineAt(path),
    path: path.join('.'),
    message: `Unrecognized key: ${JSON.stringify(path[path.length - 1])}`,
  }));
  const literal = literalCredentials(raw).map((path) => ({
    line: lineAt(path),
    path: path.join('.'),
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the message shows the file's ${NAME} syntax literally.
    message: 'a credential must come from the environment: write it as ${NAME}, not in the file',
  }));
  if (!parsed.success || unknown.length > 0 || literal.length > 0) {
    const found = parsed.success ? [] : problemsOf(parsed.error, lineAt);
    const seen = new Set(found.map((p) => p.path));
    throw new ConfigFileError(fileName, [...found, ...[...unknown, ...literal].filter((p) => !seen.has(p.path))]);
  }
  const desired = desiredOf(parsed.data, raw);
  const sections: Partial<Record<ObjectKind, number>> = {};
  for (const kind of OBJECT_KINDS) {
    for (const [i, o] of desired[kind].entries()) declaredLines.set(o, lineAt([kind, i]));
    const pair = (doc.contents as { items?: { key?: { value?: unknown; range?: number[] } }[] } | null)?.items?.find(
      (p) => p.key?.value === kind,
    );
    if (pair?.key?.range) sections[kind] = lineOf(pair.key.range[0]);
  }
  sectionLines.set(desired, sections);
  return desired;
}

/**
 * The paths of keys a file object holds that its schema does not know, at any depth: the
 * API's rule and channel schemas strip unknown keys (scope, tiers, status, slack… too), so
 * each object that parses is compared with what it parsed to; a key the output lacks was not
 * recognised. Objects that do not parse are reported by the schema's own issues.
 */
function unknownKeysOf(value: unknown, slackWebhookHost: string | undefined): (string | number)[][] {
  const found: (string | number)[][] = [];
  const isObject = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === 'object' && !Array.isArray(v);
  const walk = (input: unknown, output: unknown, path: (string | number)[]) => {
    if (Array.isArray(input) && Array.isArray(output))
      input.forEach((x, i) => {
        walk(x, output[i], [...path, i]);
      });
    else if (isObject(input) && isObject(output))
      for (const [k, v] of Object.entries(input))
        if (k in output) walk(v, output[k], [...path, k]);
        else found.push([...path, k]);
  };
  if (!isObject(value)) return found;
  const schemas = itemSchemas(slackWebhookHost);
  for (const kind of OBJECT_KINDS) {
    const items = value[kind];
    if (!Array.isArray(items)) continue;
    items.forEach((item, i) => {
      const parsed = schemas[kind].safeParse(item);
      if (parsed.success) walk(item, parsed.data, [kind, i]);
    });
  }
  return found;
}

function problemsOf(error: z.ZodError, lineAt: (path: readonly PropertyKey[]) => number): FileProblem[] {
  return error.issues.map((issue) => {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const path = keys.length > 0 ? [...issue.path, keys[0] as string] : issue.path;
    return { line: lineAt(path), path: path.map(String).join('.'), message: issue.message };
  });
}
