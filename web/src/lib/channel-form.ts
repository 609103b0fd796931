import type { ChannelInput, ChannelKind } from '@sla/shared';

/** The channel form's fields (strings, as inputs hold them); secrets are write-only. */
export type ChannelForm = {
  name: string;
  tenantName: string;
  kind: ChannelKind;
  url: string;
  secret: string;
  slackChannel: string;
  slackBotToken: string;
};

/** The server's names for the form's fields (issue paths). */
export const CHANNEL_FIELDS = [
  'name',
  'tenantName',
  'kind',
  'url',
  'secret',
  'slack.channel',
  'slack.botToken',
] as const;

export function emptyChannelForm(tenantName: string): ChannelForm {
  return { name: '', tenantName, kind: 'webhook', url: '', secret: '', slackChannel: '', slackBotToken: '' };
}

/**
 * What the form sends (`alerts.channels.create`): blank optional fields left out, Slack fields
 * only for a Slack channel. The server checks the URL (form, refused addresses, Slack host).
 */
export function toChannelInput(f: ChannelForm): ChannelInput {
  const input: ChannelInput = { name: f.name.trim(), tenantName: f.tenantName, kind: f.kind };
  if (f.url.trim()) input.url = f.url.trim();
  if (f.kind === 'webhook' && f.secret) input.secret = f.secret;
  if (f.kind === 'slack' && (f.slackChannel.trim() || f.slackBotToken)) {
    input.slack = {};
    if (f.slackChannel.trim()) input.slack.channel = f.slackChannel.trim();
    if (f.slackBotToken) input.slack.botToken = f.slackBotToken;
  }
  return input;
}
