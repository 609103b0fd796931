import { z } from 'zod';
import { ENV_SCHEMA } from './config.js';

type Key = keyof typeof ENV_SCHEMA.shape;

/** The parts of a JSON Schema property read here. */
type Property = {
  type?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  pattern?: string;
  accepts?: string;
};

/** Default of a schema entry, or undefined; found by parsing an empty value. */
function defaultOf(key: Key): unknown {
  const r = ENV_SCHEMA.shape[key].safeParse(undefined);
  return r.success ? r.data : undefined;
}

const code = (v: unknown) => `\`${String(v)}\``;

/**
 * What a variable accepts, read from the schema itself (its JSON Schema: enum values,
 * integer ranges, bounds, patterns), so the README cannot drift from the validation.
 */
function acceptedValues(p: Property): string {
  if (p.accepts) return p.accepts;
  if (p.enum) return p.enum.map(code).join(', ');
  if (p.type === 'integer' || p.type === 'number') {
    const what = p.type === 'integer' ? 'whole number' : 'number';
    if (p.exclusiveMinimum !== undefined) return `${what} > ${p.exclusiveMinimum}`;
    if (p.minimum !== undefined && p.maximum !== undefined) return `${what} ${p.minimum}–${p.maximum}`;
    if (p.minimum !== undefined) return `${what} ≥ ${p.minimum}`;
    return what;
  }
  if (p.pattern) return `text matching ${code(p.pattern)}`;
  return 'text';
}

/** Each variable's JSON Schema property (what it accepts after the empty-as-unset step). */
function properties(): Record<string, Property> {
  const schema = z.toJSONSchema(ENV_SCHEMA, { io: 'output', unrepresentable: 'any' }) as {
    properties?: Record<string, Property>;
  };
  return schema.properties ?? {};
}

/** The README's configuration table, generated from the schema (a test keeps the README equal to it). */
export function configTable(): string {
  const props = properties();
  const cell = (text: string) => text.replaceAll('|', '\\|');
  const rows = Object.keys(ENV_SCHEMA.shape).map((k) => {
    const key = k as Key;
    const def = defaultOf(key);
    const shown = def === undefined ? '—' : code(def);
    const accepted = cell(acceptedValues(props[key] ?? {}));
    const meaning = cell(ENV_SCHEMA.shape[key].description ?? '');
    return `| \`${key}\` | ${shown} | ${accepted} | ${meaning} |`;
  });
  return ['| Variable | Default | Accepts | Meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
