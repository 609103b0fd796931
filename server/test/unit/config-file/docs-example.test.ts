import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfigFile } from '../../../src/config-file/parse.js';

const doc = readFileSync(new URL('../../../../docs/alerting.md', import.meta.url), 'utf8');
const example = /## Rules as code[\s\S]*?```yaml\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';

describe('docs/alerting.md "Rules as code"', () => {
  it('its example file is valid, and its secrets come from the environment', () => {
    const env = { OPS_WEBHOOK_SECRET: 'w', OPS_SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/x' };
    const d = parseConfigFile(example, 'alerts.yaml', env);
    expect(d.rules.map((r) => r.key)).toEqual(['Data Engineering/orders-burn', 'Data Engineering/orders-failed']);
    expect(d.channels.map((c) => c.spec.url)).toEqual(['https://hooks.example.com/sla', `\${OPS_SLACK_WEBHOOK_URL}`]);
    expect(d.targets).toHaveLength(3);
    expect(() => parseConfigFile(example, 'alerts.yaml', {})).toThrow(
      /alerts\.yaml:\d+: channels\.0\.secret: environment variable OPS_WEBHOOK_SECRET is not set/,
    );
  });
});
