import { z } from 'zod';
import { cleanText } from './text.js';

/**
 * Wire shapes of alert notification channels (issue 15 "Channels"). A channel's secrets
 * (the webhook's HMAC secret, a Slack bot token, a Slack incoming-webhook URL, whose path is
 * itself the credential) are write-only: answers carry `hasSecret` / `hasBotToken` flags
 * and a masked URL instead.
 */

export const CHANNEL_KINDS = ['webhook', 'slack'] as const;
export const ZChannelKind = z.enum(CHANNEL_KINDS, {
  error: (i) => `kind must be one of ${CHANNEL_KINDS.join(', ')} (got ${JSON.stringify(i.input)})`,
});
export type ChannelKind = z.infer<typeof ZChannelKind>;

/** Host of Slack incoming-webhook URLs unless the server's `SLACK_WEBHOOK_HOST` says otherwise. */
export const DEFAULT_SLACK_WEBHOOK_HOST = 'hooks.slack.com';

/** Longest URL, secret or token accepted: far above any real one, and bounded so a body cannot carry megabytes. */
export const MAX_CHANNEL_TEXT = 2048;

const text = (field: string, max = MAX_CHANNEL_TEXT) =>
  cleanText(
    field,
    z
      .string({ error: `${field} must be a string` })
      .min(1, `${field} must not be empty`)
      .max(max, `${field} must be at most ${max} characters`),
  );

/** The problem with a target URL's form, or null: parseable, http or https, no credentials in it. */
export function channelUrlProblem(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'url must be an absolute http(s) URL';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return `url must use http or https (got ${u.protocol})`;
  if (u.username || u.password) return 'url must not carry a user name or password; use the channel secret';
  return null;
}

/**
 * The problem with a Slack incoming-webhook URL, or null: Slack issues them as
 * `https://hooks.slack.com/services/T…/B…/…` ("Sending messages using incoming webhooks",
 * api.slack.com); `host` replaces `hooks.slack.com` where the server is configured so.
 */
export function slackWebhookUrlProblem(url: string, host: string): string | null {
  const u = new URL(url);
  const form = `https://${host}/services/...`;
  if (u.protocol !== 'https:' || u.host.toLowerCase() !== host.toLowerCase() || !u.pathname.startsWith('/services/'))
    return `url must be a Slack incoming-webhook URL of the form ${form}`;
  return null;
}

/**
 * A channel as written (create or replace), with the Slack webhook host the server accepts.
 * A webhook needs `url` (`secret` optional: without it deliveries are unsigned); a Slack
 * channel needs either `url` (an incoming webhook) or `slack.channel` with `slack.botToken`
 * (messages through the Web API, edited in place on resolve). Secrets are write-only: on a
 * replace, an omitted `secret` or `slack.botToken` keeps the stored one. Issues name the
 * field: `url`, `secret`, `slack`.
 */
export const channelInputSchema = (slackWebhookHost: string = DEFAULT_SLACK_WEBHOOK_HOST) =>
  z
    .object({
      name: text('name', 200),
      tenantName: text('tenantName', 256),
      kind: ZChannelKind,
      url: text('url').optional(),
      /** The webhook's HMAC-SHA256 key (write-only). */
      secret: text('secret').optional(),
      slack: z
        .object({
          /** `xoxb-…` bot token (write-only). */
          botToken: text('slack.botToken').optional(),
          /** Channel id or name the bot posts to. */
          channel: text('slack.channel', 200).optional(),
        })
        .optional(),
    })
    .superRefine((c, ctx) => {
      const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
      if (c.url !== undefined) {
        const problem = channelUrlProblem(c.url);
        if (problem) issue(['url'], problem);
        else if (c.kind === 'slack') {
          const slack = slackWebhookUrlProblem(c.url, slackWebhookHost);
          if (slack) issue(['url'], slack);
        }
      }
      if (c.kind === 'webhook') {
        if (c.url === undefined) issue(['url'], 'url is required');
        if (c.slack !== undefined) issue(['slack'], 'slack is only for kind slack');
        return;
      }
      if (c.secret !== undefined)
        issue(['secret'], 'secret is for webhook channels; Slack authenticates by its URL or bot token');
      if (c.url !== undefined && c.slack?.botToken !== undefined)
        issue(['url'], 'url is for an incoming webhook; leave it out when a bot token posts the messages');
      if (c.url === undefined && c.slack?.channel === undefined)
        issue(['url'], 'url (an incoming-webhook URL) or slack.channel with slack.botToken is required');
    });

/** A channel as written, checked against the default Slack webhook host. */
export const ZChannelInput = channelInputSchema();
export type ChannelInput = z.infer<typeof ZChannelInput>;

/** A channel as answered: never a secret, only whether one is set. */
export const ZChannel = z.object({
  name: z.string(),
  tenantName: z.string(),
  kind: ZChannelKind,
  /** The target; a Slack incoming-webhook URL shows only its host (its path is the credential); null for a bot. */
  url: z.string().nullable(),
  hasSecret: z.boolean(),
  slack: z.object({ channel: z.string().nullable(), hasBotToken: z.boolean() }).nullable(),
});
export type Channel = z.infer<typeof ZChannel>;
