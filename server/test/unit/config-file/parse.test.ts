import { describe, expect, it } from 'vitest';
import { ConfigFileError, parseConfigFile } from '../../../src/config-file/parse.js';

/** The problems of a file that must not parse, as "file:line: path: message" lines. */
function problems(text: string, env: Record<string, string> = {}): string[] {
  try {
    parseConfigFile(text, 'alerts.yaml', env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigFileError);
    return (err as Error).message.split('\n');
  }
  throw new Error('the file parsed');
}

const RULES = `version: 1
rules:
  - name: orders-fast
    tenantName: acme
    kind: burn_rate
  - name: orders-slow
    tenantName: acme
    kind: burn_rate
    burnRate:
      tiers:
        - name: fast
          severity: page
          longWindowMinutes: 60
          shortWindowMinutes: 5
          factor: -3
`;

describe('rules file validation names the line and the path', () => {
  it('a bad field deep inside a rule: its own line', () => {
    const [first] = problems(RULES);
    expect(first).toMatch(/^alerts\.yaml:15: rules\.1\.burnRate\.tiers\.0\.factor: /);
  });

  it('YAML syntax errors name the line', () => {
    const [first] = problems('version: 1\ntargets:\n  - tenantName: acme\n    slaTarget: [99\n');
    expect(first).toMatch(/^alerts\.yaml:\d+: /);
    expect(Number(first?.split(':')[1])).toBeGreaterThanOrEqual(4);
  });

  it('an unknown field names its own line', () => {
    expect(problems('version: 1\ntargets:\n  - tenantName: acme\n    slaTraget: 99\n    slaTarget: 99\n')).toContain(
      'alerts.yaml:4: targets.0.slaTraget: Unrecognized key: "slaTraget"',
    );
  });

  it('a missing required field names its object', () => {
    const [first] = problems('version: 1\ntenants: []\ntargets:\n  - tenantName: acme\n');
    expect(first).toMatch(/^alerts\.yaml:4: targets\.0\.slaTarget: /);
  });

  it('a wrong or missing version names line 1', () => {
    expect(problems('version: 2\n')[0]).toBe('alerts.yaml:1: version: version must be 1');
    expect(problems('targets: []\n')[0]).toMatch(/^alerts\.yaml:1: version: /);
  });

  it('the same key twice in one list names the second', () => {
    const [first] = problems(
      'version: 1\ntargets:\n  - tenantName: acme\n    slaTarget: 99\n  - tenantName: acme\n    slaTarget: 98\n',
    );
    expect(first).toBe('alerts.yaml:5: targets.1: target "acme/*/*/*/*" is declared twice');
  });

  it('lists every problem, not only the first', () => {
    const text =
      'version: 1\ntargets:\n  - tenantName: acme\n    slaTarget: 101\n  - tenantName: ""\n    slaTarget: 5\n';
    const all = problems(text);
    expect(all.some((l) => l.startsWith('alerts.yaml:4: targets.0.slaTarget: '))).toBe(true);
    expect(all.some((l) => l.startsWith('alerts.yaml:5: targets.1.tenantName: '))).toBe(true);
  });
});

const CHANNEL = `version: 1
channels:
  - name: ops
    tenantName: acme
    kind: webhook
    url: https://hooks.example.com/sla
    secret: \${OPS_SECRET}
`;

describe(`\${NAME} references`, () => {
  it('resolve from the environment; the spec keeps the reference, never the value', () => {
    const desired = parseConfigFile(CHANNEL, 'alerts.yaml', { OPS_SECRET: 's3cret-value' });
    const [ops] = desired.channels;
    expect((ops?.value as { secret: string } | undefined)?.secret).toBe('s3cret-value');
    expect(ops?.spec.secret).toBe(`\${OPS_SECRET}`);
    expect(JSON.stringify(ops?.spec)).not.toContain('s3cret-value');
  });

  it('a rotated secret changes the spec (its digest), so a plan updates the channel', () => {
    const a = parseConfigFile(CHANNEL, 'alerts.yaml', { OPS_SECRET: 'one' }).channels[0]?.spec;
    const b = parseConfigFile(CHANNEL, 'alerts.yaml', { OPS_SECRET: 'two' }).channels[0]?.spec;
    expect(a?.secretDigest).not.toBe(b?.secretDigest);
  });

  it('a missing variable is an error naming it and its line; an empty one counts as missing', () => {
    expect(problems(CHANNEL)).toEqual(['alerts.yaml:7: channels.0.secret: environment variable OPS_SECRET is not set']);
    expect(problems(CHANNEL, { OPS_SECRET: '' })[0]).toContain('OPS_SECRET is not set');
  });
});

describe('unknown keys are refused at every depth, naming their line', () => {
  const RULE_AND_CHANNEL = `version: 1
channels:
  - name: ops
    tenantName: acme
    kind: slack
    colour: red
    slack:
      channel: C1
      botToken: \${SLACK_BOT}
      mood: calm
rules:
  - name: burn
    tenantName: acme
    kind: burn_rate
    colour: red
    scope:
      teamName: pgm
      shade: dark
    burnRate:
      speed: 3
      tiers:
        - name: fast
          severity: page
          longWindowMinutes: 60
          shortWindowMinutes: 5
          factor: 14
          extra: 1
  - name: failed
    tenantName: acme
    kind: status
    status:
      to: Failed
      forMinutes: 5
      also: 1
  - name: stale
    tenantName: acme
    kind: stale
    stale:
      forMinutes: 60
      also: 2
    burnRate: {}
`;

  it('in channels, rules, scope, burnRate, tiers, status, stale and slack', () => {
    expect(problems(RULE_AND_CHANNEL, { SLACK_BOT: 'xoxb-1' })).toEqual([
      'alerts.yaml:6: channels.0.colour: Unrecognized key: "colour"',
      'alerts.yaml:10: channels.0.slack.mood: Unrecognized key: "mood"',
      'alerts.yaml:15: rules.0.colour: Unrecognized key: "colour"',
      'alerts.yaml:18: rules.0.scope.shade: Unrecognized key: "shade"',
      'alerts.yaml:20: rules.0.burnRate.speed: Unrecognized key: "speed"',
      'alerts.yaml:27: rules.0.burnRate.tiers.0.extra: Unrecognized key: "extra"',
      'alerts.yaml:34: rules.1.status.also: Unrecognized key: "also"',
      'alerts.yaml:40: rules.2.stale.also: Unrecognized key: "also"',
      'alerts.yaml:41: rules.2.burnRate: Unrecognized key: "burnRate"',
    ]);
  });

  it('in tenants, windows and targets too, and beside other problems', () => {
    const text = `version: 1
tenants:
  - tenantName: acme
    timeZone: UTC
    colour: red
windows:
  - key: w
    tenantName: acme
    category: maintenance
    start: 2026-12-05T02:00:00Z
    end: 2026-12-05T04:00:00Z
    colour: red
targets:
  - tenantName: acme
    slaTarget: 99
    colour: red
rules:
  - name: r
    tenantName: acme
    kind: status
    status: { to: Failed, forMinutes: -1 }
  - name: s
    tenantName: acme
    kind: stale
    stale: { forMinutes: 5 }
    colour: red
`;
    const all = problems(text);
    expect(all).toEqual(
      expect.arrayContaining([
        'alerts.yaml:5: tenants.0.colour: Unrecognized key: "colour"',
        'alerts.yaml:12: windows.0.colour: Unrecognized key: "colour"',
        'alerts.yaml:16: targets.0.colour: Unrecognized key: "colour"',
        'alerts.yaml:26: rules.1.colour: Unrecognized key: "colour"',
      ]),
    );
    expect(all.some((l) => l.startsWith('alerts.yaml:21: rules.0.status.forMinutes: '))).toBe(true);
  });
});

describe('Slack incoming-webhook URLs are checked against SLACK_WEBHOOK_HOST, as the API does', () => {
  const SLACK = `version: 1
channels:
  - name: ops
    tenantName: acme
    kind: slack
    url: \${SLACK_URL}
`;
  const env = { SLACK_URL: 'https://127.0.0.1:9443/services/T1/B1/X' };

  it('the configured host is accepted, the default refused', () => {
    const desired = parseConfigFile(SLACK, 'alerts.yaml', env, { slackWebhookHost: '127.0.0.1:9443' });
    expect(desired.channels[0]?.spec.url).toBe(`\${SLACK_URL}`);
    expect(problems(SLACK, env)[0]).toMatch(/^alerts\.yaml:6: channels\.0\.url: .*https:\/\/hooks\.slack\.com/);
  });
});

describe('credentials written literally in the file', () => {
  it('are refused naming their line: a webhook secret, a Slack bot token, a Slack webhook URL', () => {
    const text = `version: 1
channels:
  - name: hook
    tenantName: acme
    kind: webhook
    url: https://h.example.com/in
    secret: s3cret
  - name: chat
    tenantName: acme
    kind: slack
    url: https://hooks.slack.com/services/T0/B0/abc
  - name: bot
    tenantName: acme
    kind: slack
    slack:
      channel: C1
      botToken: xoxb-1
`;
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the expected message spells the file's ${NAME} syntax.
    const message = 'a credential must come from the environment: write it as ${NAME}, not in the file';
    expect(problems(text)).toEqual([
      `alerts.yaml:7: channels.0.secret: ${message}`,
      `alerts.yaml:11: channels.1.url: ${message}`,
      `alerts.yaml:17: channels.2.slack.botToken: ${message}`,
    ]);
  });
});
