import { describe, expect, it } from 'vitest';
import { testMessage } from '../../../src/alerts/channels/send.js';
import { slackMessage } from '../../../src/alerts/channels/slack-format.js';
import type { AlertMessage } from '../../../src/alerts/channels/types.js';

const NOW = new Date('2026-12-03T10:00:00.000Z');
const base = testMessage({ name: 'c', tenantName: 'Acme' }, NOW);
const change = base.changes[0] as AlertMessage['changes'][number];
const withChanges = (changes: AlertMessage['changes']): AlertMessage => ({ ...base, teamName: 'Data', changes });

describe('Slack message form', () => {
  it('escapes mrkdwn control characters, so an entity name cannot mention @channel or forge a link', () => {
    const hostile = { ...change, summary: 'orders <!channel> & <https://evil.example|click>', ruleName: '<@U123>' };
    const text = JSON.stringify(slackMessage(withChanges([hostile])).blocks);
    expect(text).not.toMatch(/<!channel>|<@U123>|<https:/);
    expect(text).toContain('&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;');
  });

  it('reads as firing while any change fires and as resolved when all are resolved', () => {
    const resolved = { ...change, state: 'resolved' as const };
    expect(slackMessage(withChanges([change, resolved])).text).toBe(
      ':rotating_light: Alert: 1 firing, 1 resolved · Acme / Data',
    );
    expect(slackMessage(withChanges([resolved])).text).toBe(':white_check_mark: Resolved: 1 resolved · Acme / Data');
  });

  it("stays within Slack's 50-block limit, saying how many changes were left out", () => {
    const many = Array.from({ length: 45 }, (_, i) => ({ ...change, fingerprint: `f${i}` }));
    const { blocks } = slackMessage(withChanges(many));
    expect(blocks).toHaveLength(42);
    expect(blocks.at(-1)).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: 'and 5 more' }] });
  });
});
