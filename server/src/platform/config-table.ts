import { ENV_SCHEMA } from './config.js';

/** Default of a schema entry, or undefined; found by parsing an empty value. */
function defaultOf(key: keyof typeof ENV_SCHEMA.shape): unknown {
  const r = ENV_SCHEMA.shape[key].safeParse(undefined);
  return r.success ? r.data : undefined;
}

/** The README's configuration table, generated from the schema (a test keeps the README equal to it). */
export function configTable(): string {
  const rows = Object.keys(ENV_SCHEMA.shape).map((k) => {
    const key = k as keyof typeof ENV_SCHEMA.shape;
    const def = defaultOf(key);
    const shown = def === undefined ? '—' : `\`${String(def)}\``;
    const meaning = (ENV_SCHEMA.shape[key].description ?? '').replaceAll('|', '\\|');
    return `| \`${key}\` | ${shown} | ${meaning} |`;
  });
  return ['| Variable | Default | Meaning |', '| --- | --- | --- |', ...rows].join('\n');
}
