import { channelInputSchema, DEFAULT_SLACK_WEBHOOK_HOST, ZAlertRuleInput } from '@sla/shared';
import { z } from 'zod';
import { ZSetSettings } from '../policy/settings.js';
import { ZWindowCreate } from '../policy/window-input.js';

/** The file format this server reads and writes (`version:` at the top of the file). */
export const CONFIG_FILE_VERSION = 1;

const name = (field: string) =>
  z
    .string({ error: `${field} must be a string` })
    .trim()
    .min(1)
    .max(256);

/**
 * A declared SLA target: the most specific declaration matching an entity wins over the
 * poller's `slaTarget` (ingest/file-targets.ts). `tenantName` is required; `teamName`,
 * `entityType`, `entityName` and `entityId` narrow it.
 */
export const ZFileTarget = z.strictObject({
  tenantName: name('tenantName'),
  teamName: name('teamName').optional(),
  entityType: name('entityType').optional(),
  entityName: name('entityName').optional(),
  entityId: z.number().int().positive().optional(),
  slaTarget: z
    .number({ error: 'slaTarget must be a number' })
    .min(0, 'slaTarget must be between 0 and 100')
    .max(100, 'slaTarget must be between 0 and 100'),
});
export type FileTarget = z.infer<typeof ZFileTarget>;

/** A window as the API creates it, plus the file's own `key` that names it across reloads. */
export const ZFileWindow = ZWindowCreate.extend({ key: name('key') });
export type FileWindow = z.infer<typeof ZFileWindow>;

const unique =
  <T>(keyOf: (t: T) => string, what: string) =>
  (items: T[], ctx: z.RefinementCtx) => {
    const seen = new Set<string>();
    for (const [i, item] of items.entries()) {
      const k = keyOf(item);
      if (seen.has(k))
        ctx.addIssue({ code: 'custom', path: [i], message: `${what} ${JSON.stringify(k)} is declared twice` });
      seen.add(k);
    }
  };

/** Identity of a rule or channel: unique per tenant. */
export const tenantKey = (o: { tenantName: string; name: string }) => `${o.tenantName}/${o.name}`;

/** Identity of a target: its selector (absent parts as `*`). */
export const targetKey = (t: Omit<FileTarget, 'slaTarget'>) =>
  [t.tenantName, t.teamName ?? '*', t.entityType ?? '*', t.entityName ?? '*', t.entityId ?? '*'].join('/');

/**
 * The schema of one object of each kind (the API's own: rules `ZAlertRuleInput`, channels
 * `channelInputSchema` with the server's Slack webhook host, windows `ZWindowCreate` plus
 * `key`, tenant settings `ZSetSettings`), so a file accepts exactly what the API accepts.
 */
export const itemSchemas = (slackWebhookHost: string = DEFAULT_SLACK_WEBHOOK_HOST) => ({
  rules: ZAlertRuleInput,
  channels: channelInputSchema(slackWebhookHost),
  tenants: ZSetSettings.strict(),
  windows: ZFileWindow,
  targets: ZFileTarget,
});

/**
 * The whole rules file after `${ENV}` references are resolved, its objects as `itemSchemas`
 * takes them (`slackWebhookHost`: SLACK_WEBHOOK_HOST, as the API checks channels with).
 * Unknown keys inside rules and channels (whose API schemas strip them) are refused by
 * parse.ts, which compares what was written with what was parsed.
 */
export const configFileSchema = (slackWebhookHost: string = DEFAULT_SLACK_WEBHOOK_HOST) => {
  const items = itemSchemas(slackWebhookHost);
  return z.strictObject({
    version: z.literal(CONFIG_FILE_VERSION, { error: `version must be ${CONFIG_FILE_VERSION}` }),
    rules: z.array(items.rules).default([]).superRefine(unique(tenantKey, 'rule')),
    channels: z.array(items.channels).default([]).superRefine(unique(tenantKey, 'channel')),
    tenants: z
      .array(items.tenants)
      .default([])
      .superRefine(unique((t) => t.tenantName, 'tenant')),
    windows: z
      .array(items.windows)
      .default([])
      .superRefine(unique((w) => w.key, 'window key')),
    targets: z.array(items.targets).default([]).superRefine(unique(targetKey, 'target')),
  });
};

/** The rules file with the default Slack webhook host. */
export const ZConfigFile = configFileSchema();
export type ConfigFile = z.infer<typeof ZConfigFile>;
