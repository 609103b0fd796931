import type { AlertChange, AlertMessage } from './types.js';

/** Slack caps a message at 50 blocks and a section's text at 3,000 characters ("Block Kit" reference, api.slack.com). */
const MAX_CHANGE_BLOCKS = 40;
const MAX_SECTION_CHARS = 3000;

/** Slack mrkdwn treats `&`, `<` and `>` as markup; Slack's "Formatting text" page says to escape exactly these. */
const mrkdwnEscape = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
const cap = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** A Slack Block Kit block, as much of it as these messages use. */
export type SlackBlock =
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  | { type: 'context'; elements: { type: 'mrkdwn'; text: string }[] };

const mark = (c: AlertChange) => (c.state === 'firing' ? ':red_circle:' : ':large_green_circle:');

function changeLine(c: AlertChange): string {
  const tier = c.tier ? ` (${c.tier})` : '';
  const what = c.entity ? `${c.entity.type} ${c.entity.name}` : (c.teamName ?? c.tenantName);
  return `${mark(c)} *${mrkdwnEscape(c.ruleName)}*${mrkdwnEscape(tier)} · ${c.severity} · ${c.state}\n${mrkdwnEscape(c.summary)}\n_${mrkdwnEscape(what)} · ${c.at}_`;
}

/**
 * The Slack form of a message: `text` (the notification and fallback line: state, count,
 * tenant and team) and `blocks` (one section per change, at most 40, then a line saying how
 * many more). A message whose changes are all resolved reads as resolved.
 */
export function slackMessage(message: AlertMessage): { text: string; blocks: SlackBlock[] } {
  const firing = message.changes.filter((c) => c.state === 'firing').length;
  const resolved = message.changes.length - firing;
  const counts = [firing > 0 ? `${firing} firing` : '', resolved > 0 ? `${resolved} resolved` : '']
    .filter(Boolean)
    .join(', ');
  const where = message.teamName ? `${message.tenantName} / ${message.teamName}` : message.tenantName;
  const head = firing > 0 ? ':rotating_light: Alert' : ':white_check_mark: Resolved';
  const text = cap(`${head}: ${counts} · ${where}`, MAX_SECTION_CHARS);
  const shown = message.changes.slice(0, MAX_CHANGE_BLOCKS);
  const blocks: SlackBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: mrkdwnEscape(text) } },
    ...shown.map((c) => ({
      type: 'section' as const,
      text: { type: 'mrkdwn' as const, text: cap(changeLine(c), MAX_SECTION_CHARS) },
    })),
  ];
  const more = message.changes.length - shown.length;
  if (more > 0) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `and ${more} more` }] });
  return { text, blocks };
}
