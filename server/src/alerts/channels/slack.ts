import type { ChannelDeps } from './deps.js';
import { type PostOutcome, postJson } from './post.js';
import { slackMessage } from './slack-format.js';
import type { AlertMessage, DeliveryResult, SendableChannel } from './types.js';

/** Slack Web API errors that are Slack's passing trouble, worth a retry (api.slack.com, each method's "Errors"). */
const RETRYABLE_SLACK_ERRORS = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);
/** `chat.update` errors after which a new message is posted instead (the old one is gone or frozen). */
const REPOST_ERRORS = new Set(['message_not_found', 'cant_update_message', 'edit_window_closed']);

const outcome = ({ body: _body, ...result }: PostOutcome): DeliveryResult => result;

/**
 * Sends `message` to a Slack channel. Without a bot token: `POST` `{ text, blocks }` to the
 * incoming-webhook URL (Slack answers `ok` with 200; its 4xx texts such as `invalid_payload`
 * are not retryable). With a bot token: `chat.postMessage` under `deps.slackApiUrl`, or, when
 * `ref` (from an earlier result) is given, `chat.update` of that message, so a resolve edits
 * the firing message in place; if Slack no longer has it, a new message is posted. A 200 with
 * `{ ok: false, error }` is a failure (retryable only for Slack's transient errors). The
 * result's `ref` (`<channel id> <ts>`) names the message for the next update. Never throws;
 * errors carry Slack's error code, never the token or the webhook URL's path.
 */
export async function sendSlack(
  channel: SendableChannel,
  message: AlertMessage,
  deps: ChannelDeps,
  ref?: string,
): Promise<DeliveryResult> {
  const payload = slackMessage(message);
  const botToken = channel.slack?.botToken ?? null;
  if (botToken === null) {
    const url = channel.slack?.webhookUrl ?? null;
    if (url === null)
      return { ok: false, status: null, error: 'the channel has no url', retryable: false, durationMs: 0 };
    const result = await postJson(url, JSON.stringify(payload), {}, deps);
    if (result.ok || result.status === null) return outcome(result);
    return { ...outcome(result), error: `Slack answered HTTP ${result.status}: ${slackText(result.body)}` };
  }
  const [refChannel, ts] = ref?.split(' ') ?? [];
  if (refChannel && ts) {
    const updated = await callSlack('chat.update', { channel: refChannel, ts, ...payload }, botToken, deps);
    if (!REPOST_ERRORS.has(updated.slackError ?? '')) return updated.result;
    const reposted = await callSlack(
      'chat.postMessage',
      { channel: channel.slack?.channel, ...payload },
      botToken,
      deps,
    );
    return { ...reposted.result, durationMs: updated.result.durationMs + reposted.result.durationMs };
  }
  return (await callSlack('chat.postMessage', { channel: channel.slack?.channel, ...payload }, botToken, deps)).result;
}

/** Slack's short error text of an incoming webhook, printable and bounded. */
const slackText = (body: string) => body.replace(/[^\x20-\x7e]/g, '?').slice(0, 100) || '(empty answer)';

/** One Web API call; the answer's `{ ok, error, channel, ts }` decides the result. */
async function callSlack(
  method: 'chat.postMessage' | 'chat.update',
  args: Record<string, unknown>,
  botToken: string,
  deps: ChannelDeps,
): Promise<{ result: DeliveryResult; slackError: string | null }> {
  const answer = await postJson(
    `${deps.slackApiUrl}/${method}`,
    JSON.stringify(args),
    { authorization: `Bearer ${botToken}` },
    deps,
  );
  const result = outcome(answer);
  if (!answer.ok) return { result: { ...result, error: `Slack ${method}: ${answer.error}` }, slackError: null };
  let parsed: { ok?: unknown; error?: unknown; channel?: unknown; ts?: unknown };
  try {
    parsed = JSON.parse(answer.body) as typeof parsed;
  } catch {
    return {
      result: { ...result, ok: false, error: `Slack ${method} answered no JSON`, retryable: true },
      slackError: null,
    };
  }
  if (parsed.ok !== true) {
    const code = typeof parsed.error === 'string' ? slackText(parsed.error) : 'unknown_error';
    const retryable = RETRYABLE_SLACK_ERRORS.has(code);
    return {
      result: { ...result, ok: false, error: `Slack ${method} answered error: ${code}`, retryable },
      slackError: code,
    };
  }
  const ref =
    typeof parsed.channel === 'string' && typeof parsed.ts === 'string' ? `${parsed.channel} ${parsed.ts}` : undefined;
  return { result: ref ? { ...result, ref } : result, slackError: null };
}
