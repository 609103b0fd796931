import { Document } from 'yaml';
import { type CurrentState, OBJECT_KINDS, type Spec } from './model.js';
import { CONFIG_FILE_VERSION } from './schema.js';

/** An environment variable name for a credential of an API-made channel (`CHANNEL_ACME_OPS_SECRET`). */
const variableFor = (key: string, field: string) =>
  `CHANNEL_${key}_${field}`
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/_+$/, '');

/**
 * A channel as written in the file: credentials as `${NAME}` placeholders (the stored
 * reference for a file-made channel; an invented variable name for an API-made one whose
 * secret is set), never a value; the comparison digest left out.
 */
function channelOut(key: string, spec: Spec): Spec {
  const { secretDigest: _, ...out } = spec;
  for (const field of ['secret', 'botToken'] as const) {
    const holder = field === 'secret' ? out : (out.slack as Spec | undefined);
    const v = holder?.[field];
    if (holder && typeof v === 'string' && !v.startsWith('${')) holder[field] = `\${${variableFor(key, field)}}`;
  }
  return out;
}

/**
 * The current configuration as a rules file in the format `parseConfigFile` reads: every
 * object of every kind, managed by the file or not, with windows under their file key
 * (`window-<id>` for API-made ones). Reading the export back and planning it against the
 * same state plans nothing (test/unit/config-file/export.test.ts) — channels' credentials
 * aside when the environment does not hold the values they were made with.
 */
export function exportConfig(current: CurrentState): string {
  const body: Record<string, unknown> = { version: CONFIG_FILE_VERSION };
  for (const kind of OBJECT_KINDS) {
    const items = [...current[kind]].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    body[kind] = items.map((c) => {
      if (kind === 'channels') return channelOut(c.key, c.spec);
      if (kind === 'windows') return { key: c.key, ...c.spec };
      return c.spec;
    });
  }
  return new Document(body).toString({ lineWidth: 0 });
}
