import { Document } from 'yaml';
import { type CurrentObject, type CurrentState, OBJECT_KINDS, type ObjectKind, type Spec } from './model.js';
import { CONFIG_FILE_VERSION } from './schema.js';

/**
 * The environment variable name an export gives a credential of an API-made channel
 * (`tenant/name` key, field `secret` → `CHANNEL_TENANT_NAME_SECRET`; `botToken`, `url`).
 */
export const variableFor = (key: string, field: 'secret' | 'botToken' | 'url') =>
  `CHANNEL_${key}_${field}`
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/_+$/, '');

/**
 * A channel as written in the file: credentials (the webhook secret, a Slack bot token, a
 * Slack incoming-webhook URL, whose path is the credential) as `${NAME}` placeholders (the
 * stored reference for a file-made channel; `variableFor`'s name for an API-made one), never
 * a value; the comparison digest left out.
 */
function channelOut(key: string, spec: Spec): Spec {
  const { secretDigest: _, ...out } = JSON.parse(JSON.stringify(spec)) as Spec;
  const slackUrl = out.kind === 'slack' ? ('url' as const) : null;
  for (const field of ['secret', 'botToken', slackUrl] as const) {
    if (field === null) continue;
    const holder = field === 'botToken' ? (out.slack as Spec | undefined) : out;
    const v = holder?.[field];
    if (holder && typeof v === 'string' && !v.startsWith('${')) holder[field] = `\${${variableFor(key, field)}}`;
  }
  return out;
}

/**
 * What an export leaves out: objects another part of the server owns and writes at every
 * start (the demo's channels and rules), which would not apply elsewhere. `note` goes at the
 * top of the export as a comment.
 */
export type ExportOmission = { leaveOut: (kind: ObjectKind, o: CurrentObject) => boolean; note: string };

/**
 * The current configuration as a rules file in the format `parseConfigFile` reads: every
 * object of every kind, managed by the file or not, with windows under their file key
 * (`window-<id>` for API-made ones). Reading the export back and planning it against the
 * same state plans nothing (test/unit/config-file/plan.test.ts) when the environment holds
 * the channels' credentials under the placeholders' names. `omit`: objects left out, and the
 * comment saying so.
 */
export function exportConfig(current: CurrentState, omit?: ExportOmission): string {
  const body: Record<string, unknown> = { version: CONFIG_FILE_VERSION };
  let omitted = 0;
  for (const kind of OBJECT_KINDS) {
    const kept = current[kind].filter((o) => !omit?.leaveOut(kind, o));
    omitted += current[kind].length - kept.length;
    const items = kept.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    body[kind] = items.map((c) => {
      if (kind === 'channels') return channelOut(c.key, c.spec);
      if (kind === 'windows') return { key: c.key, ...c.spec };
      return c.spec;
    });
  }
  const doc = new Document(body);
  if (omit && omitted > 0) doc.commentBefore = ` ${omit.note}`;
  return doc.toString({ lineWidth: 0 });
}
