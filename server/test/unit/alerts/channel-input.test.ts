import { channelInputSchema, ZChannelInput } from '@sla/shared';
import { describe, expect, it } from 'vitest';

const issues = (input: unknown, schema = ZChannelInput) => {
  const r = schema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => [i.path.join('.'), i.message]);
};
const base = { name: 'ops', tenantName: 'Acme' };

describe('ZChannelInput', () => {
  it('accepts a webhook with or without a secret, and both Slack forms', () => {
    expect(issues({ ...base, kind: 'webhook', url: 'https://example.com/hook', secret: 's' })).toEqual([]);
    expect(issues({ ...base, kind: 'webhook', url: 'http://example.com:8080/hook' })).toEqual([]);
    expect(issues({ ...base, kind: 'slack', url: 'https://hooks.slack.com/services/T0/B0/x' })).toEqual([]);
    expect(issues({ ...base, kind: 'slack', slack: { botToken: 'xoxb-1', channel: '#a' } })).toEqual([]);
  });

  it('names url when it is not an http(s) URL, carries credentials or is missing', () => {
    for (const url of ['ftp://example.com/x', 'file:///etc/passwd', 'not a url', 'javascript:alert(1)'])
      expect(
        issues({ ...base, kind: 'webhook', url }).map(([p]) => p),
        url,
      ).toEqual(['url']);
    expect(issues({ ...base, kind: 'webhook', url: 'https://u:p@example.com/' })[0]?.[0]).toBe('url');
    expect(issues({ ...base, kind: 'webhook' })[0]?.[0]).toBe('url');
  });

  it('names url when a Slack incoming-webhook URL is not https://<host>/services/...', () => {
    for (const url of [
      'https://example.com/services/T0/B0/x',
      'http://hooks.slack.com/services/T0/B0/x',
      'https://hooks.slack.com/other/T0',
      'https://hooks.slack.com.evil.example/services/x',
    ]) {
      const found = issues({ ...base, kind: 'slack', url });
      expect(
        found.map(([p]) => p),
        url,
      ).toEqual(['url']);
      expect(found[0]?.[1]).toContain('https://hooks.slack.com/services/...');
    }
  });

  it('checks the configured Slack host instead of hooks.slack.com', () => {
    const schema = channelInputSchema('slack.internal.example');
    expect(issues({ ...base, kind: 'slack', url: 'https://slack.internal.example/services/T/B/x' }, schema)).toEqual(
      [],
    );
    expect(issues({ ...base, kind: 'slack', url: 'https://hooks.slack.com/services/T/B/x' }, schema)[0]?.[0]).toBe(
      'url',
    );
  });

  it('names the field of an inconsistent Slack channel', () => {
    expect(issues({ ...base, kind: 'slack' })[0]?.[0]).toBe('url');
    expect(issues({ ...base, kind: 'slack', url: 'https://hooks.slack.com/services/x', secret: 's' })[0]?.[0]).toBe(
      'secret',
    );
    expect(
      issues({
        ...base,
        kind: 'slack',
        url: 'https://hooks.slack.com/services/x',
        slack: { botToken: 'xoxb-1' },
      })[0]?.[0],
    ).toBe('url');
    expect(issues({ ...base, kind: 'webhook', url: 'https://e.com/', slack: { channel: '#a' } })[0]?.[0]).toBe('slack');
    expect(issues({ ...base, kind: 'pager', url: 'https://e.com/' })[0]?.[0]).toBe('kind');
  });
});
