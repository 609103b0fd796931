import { type Channel, type ChannelInput, channelInputSchema } from '@sla/shared';
import { AppError } from '../../platform/errors.js';
import { describeIssues } from '../../platform/issues.js';
import { requireSecretBox, type SecretBox } from '../secrets.js';
import type { ChannelDeps } from './deps.js';
import { checkTarget, TargetRefused } from './target-guard.js';
import type { SendableChannel } from './types.js';

/**
 * A channel as stored: everything secret in one sealed value (secrets.ts), the rest plain.
 * `url` is what answers show: a webhook's URL, a Slack incoming webhook's host only (its
 * path is the credential, so the URL itself is sealed), null for a Slack bot.
 */
export type StoredChannel = {
  name: string;
  tenantName: string;
  kind: 'webhook' | 'slack';
  url: string | null;
  slackChannel: string | null;
  /** Sealed JSON of `{ url?, secret?, botToken? }`, or null when there is nothing secret. */
  sealed: string | null;
  hasSecret: boolean;
  hasBotToken: boolean;
};

export type Secrets = { url?: string; secret?: string; botToken?: string };

/** Sealed values are bound to their tenant (secrets.ts: the AAD), so one cannot be moved to another tenant's channel. */
const contextOf = (tenantName: string) => `alert-channel:${tenantName}`;

/** What a write needs: the send deps (allow-list, Slack host) and the secret box, null without a key. */
export type ChannelWriteDeps = { channel: ChannelDeps; box: SecretBox | null };

const bad = (message: string) => new AppError('BAD_INPUT', message);

/**
 * Validates a channel write and gives its stored form: the schema with the configured Slack
 * host, then the target check (`checkTarget`: a refused address, or a name resolving to
 * one, is a 400 on `url`), then the secrets sealed. On a replace, `previous` supplies a
 * secret or bot token the input leaves out (secrets are write-only, so a client cannot send
 * them back), and a Slack URL sent back masked exactly as answered (`unmasked`); any other
 * masked URL is a 400 on `url`. Writes nothing.
 * @throws AppError BAD_INPUT naming the field (`url`, `secret`, `slack.botToken`, …), or
 * naming `ALERT_SECRET_KEY` when something must be sealed and there is no key.
 */
export async function prepareChannel(
  input: unknown,
  deps: ChannelWriteDeps,
  previous?: StoredChannel,
): Promise<StoredChannel> {
  const parsed = channelInputSchema(deps.channel.slackWebhookHost).safeParse(input);
  if (!parsed.success) throw bad(describeIssues(parsed.error.issues));
  const c: ChannelInput = parsed.data;
  const kept: Secrets =
    previous?.sealed && previous.kind === c.kind && previous.tenantName === c.tenantName
      ? openSecrets(previous, requireSecretBox(deps.box, 'secret'))
      : {};
  const url = c.url === undefined ? undefined : unmasked(c.url, c.kind, previous, kept);
  if (url !== undefined) await checkWriteTarget(url, deps.channel);
  const bot = c.kind === 'slack' && c.url === undefined;
  const secrets: Secrets = {
    ...(c.kind === 'slack' && url !== undefined ? { url } : {}),
    ...(c.kind === 'webhook' && (c.secret ?? kept.secret) ? { secret: c.secret ?? kept.secret } : {}),
    ...(bot && (c.slack?.botToken ?? kept.botToken) ? { botToken: c.slack?.botToken ?? kept.botToken } : {}),
  };
  if (bot && secrets.botToken === undefined) throw bad('slack.botToken: required to post to slack.channel');
  const field = secrets.secret ? 'secret' : secrets.botToken ? 'slack.botToken' : 'url';
  const sealed =
    Object.keys(secrets).length > 0
      ? requireSecretBox(deps.box, field).seal(JSON.stringify(secrets), contextOf(c.tenantName))
      : null;
  return {
    name: c.name,
    tenantName: c.tenantName,
    kind: c.kind,
    url: c.kind === 'webhook' ? (url ?? null) : url !== undefined ? maskedSlackUrl(url) : null,
    slackChannel: bot ? (c.slack?.channel ?? null) : null,
    sealed,
    hasSecret: secrets.secret !== undefined,
    hasBotToken: secrets.botToken !== undefined,
  };
}

/**
 * What answers show of a Slack incoming-webhook URL: its host only, the credential path
 * replaced by `…` (`https://hooks.slack.com/services/…`).
 */
export function maskedSlackUrl(url: string): string {
  return `https://${new URL(url).host}/services/…`;
}

/** Whether `url` has the form `maskedSlackUrl` gives (`/services/…`, the ellipsis raw or percent-encoded). */
export function isMaskedUrl(url: string): boolean {
  try {
    return new URL(url).pathname === '/services/%E2%80%A6';
  } catch {
    return false;
  }
}

/**
 * The URL to store for a written `url`. A masked one (what answers show, never a real
 * target) is refused, except on a replace of a Slack incoming-webhook channel whose answer
 * showed exactly it: then the stored URL is kept, so a GET sent back as a PUT changes nothing.
 * @throws AppError BAD_INPUT naming `url`.
 */
function unmasked(url: string, kind: ChannelInput['kind'], previous: StoredChannel | undefined, kept: Secrets): string {
  if (!isMaskedUrl(url)) return url;
  if (kind === 'slack' && previous?.url === url && kept.url !== undefined) return kept.url;
  throw bad(
    previous?.kind === 'slack' && previous.url !== null
      ? `url: ${url} is a masked URL (the path is hidden in answers) and not the one stored (${previous.url}); send the full incoming-webhook URL, or leave it as answered to keep the stored one`
      : `url: ${url} is a masked URL (answers hide a Slack webhook's path); send the full URL`,
  );
}

/**
 * The write-time target check as a 400 on `url`. A name that does not resolve now is
 * accepted: DNS may be down for a moment or the receiver not yet published, and the check
 * runs again before every send, where such a target fails (retryably) without a connection.
 */
async function checkWriteTarget(url: string, deps: ChannelDeps): Promise<void> {
  try {
    await checkTarget(url, deps.guard);
  } catch (err) {
    if (err instanceof TargetRefused) throw bad(`url: ${err.message}`);
  }
}

/**
 * The channel's secrets opened (`url` of a Slack incoming webhook, `secret`, `botToken`),
 * for comparing them (the rules file's digest), never for answering.
 * @throws Error when `box` cannot open them (another key, altered data).
 */
export function openSecrets(stored: StoredChannel, box: SecretBox): Secrets {
  return stored.sealed ? (JSON.parse(box.open(stored.sealed, contextOf(stored.tenantName))) as Secrets) : {};
}

/** The channel as answered (`ZChannel`): flags instead of secrets. */
export function channelAnswer(stored: StoredChannel): Channel {
  return {
    name: stored.name,
    tenantName: stored.tenantName,
    kind: stored.kind,
    url: stored.url,
    hasSecret: stored.hasSecret,
    slack: stored.kind === 'slack' ? { channel: stored.slackChannel, hasBotToken: stored.hasBotToken } : null,
  };
}

/**
 * The channel with its secrets opened, for sending.
 * @throws Error (no secret in the message) when it has sealed secrets and `box` is null or
 * cannot open them (another key, altered data).
 */
export function openChannel(stored: StoredChannel, box: SecretBox | null): SendableChannel {
  if (stored.sealed && !box)
    throw new Error(`channel ${stored.name} has sealed secrets but ALERT_SECRET_KEY is not set`);
  const secrets = box ? openSecrets(stored, box) : {};
  return {
    name: stored.name,
    tenantName: stored.tenantName,
    kind: stored.kind,
    url: stored.kind === 'webhook' ? stored.url : null,
    secret: secrets.secret ?? null,
    slack:
      stored.kind === 'slack'
        ? { webhookUrl: secrets.url ?? null, botToken: secrets.botToken ?? null, channel: stored.slackChannel }
        : null,
  };
}
