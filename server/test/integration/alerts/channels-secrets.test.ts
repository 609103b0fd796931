import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { channelDeps } from '../../../src/alerts/channels/deps.js';
import { sendTest } from '../../../src/alerts/channels/send.js';
import { channelAnswer, openChannel, prepareChannel } from '../../../src/alerts/channels/stored.js';
import { secretBox } from '../../../src/alerts/secrets.js';
import { loadConfig } from '../../../src/platform/config.js';
import { AppError } from '../../../src/platform/errors.js';
import { createLogger } from '../../../src/platform/log.js';
import { type Receiver, startReceiver } from './receiver.js';

const SECRET = 'whsec-NEVER-SHOWN-51d0';
const TOKEN = 'xoxb-NEVER-SHOWN-77aa';
const SLACK_URL = 'https://hooks.slack.com/services/T000/B000/NEVERSHOWNPATH';
const box = secretBox(Buffer.alloc(32, 3));
const writeDeps = (withKey = true) => ({
  channel: channelDeps(loadConfig({ ALERT_ALLOWED_TARGETS: '127.0.0.1' })),
  box: withKey ? box : null,
});
const leaks = (text: string) => [SECRET, TOKEN, 'NEVERSHOWNPATH'].filter((s) => text.includes(s));

let receivers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  receivers = [];
});

describe('channel secrets', () => {
  it('are stored sealed, answered as flags, and opened for sending', async () => {
    const r = await startReceiver(() => ({ status: 401, body: 'bad signature' }));
    receivers.push(r);
    const stored = await prepareChannel(
      { name: 'hook', tenantName: 'Acme', kind: 'webhook', url: `${r.url}/in`, secret: SECRET },
      writeDeps(),
    );
    expect(stored.sealed).toMatch(/^v1:/);
    expect(leaks(JSON.stringify(stored))).toEqual([]);
    const answer = channelAnswer(stored);
    expect(answer).toEqual({
      name: 'hook',
      tenantName: 'Acme',
      kind: 'webhook',
      url: `${r.url}/in`,
      hasSecret: true,
      slack: null,
    });
    const channel = openChannel(stored, box);
    expect(channel.secret).toBe(SECRET);
    // A failed delivery's error does not carry the secret either.
    const result = await sendTest(channel, writeDeps().channel);
    expect(result.ok).toBe(false);
    expect(leaks(String(result.error))).toEqual([]);
  });

  it('a replace that leaves the secret out keeps the stored one (write-only)', async () => {
    const first = await prepareChannel(
      { name: 'hook', tenantName: 'Acme', kind: 'webhook', url: 'https://93.184.216.34/a', secret: SECRET },
      writeDeps(),
    );
    const second = await prepareChannel(
      { name: 'hook', tenantName: 'Acme', kind: 'webhook', url: 'https://93.184.216.34/b' },
      writeDeps(),
      first,
    );
    expect(second.hasSecret).toBe(true);
    expect(openChannel(second, box).secret).toBe(SECRET);
  });

  it('seals a Slack bot token and a Slack incoming-webhook URL; answers show neither', async () => {
    const botStored = await prepareChannel(
      { name: 'bot', tenantName: 'Acme', kind: 'slack', slack: { botToken: TOKEN, channel: '#alerts' } },
      writeDeps(),
    );
    const hookStored = await prepareChannel(
      { name: 'hook', tenantName: 'Acme', kind: 'slack', url: SLACK_URL },
      writeDeps(),
    );
    expect(channelAnswer(botStored)).toMatchObject({
      url: null,
      hasSecret: false,
      slack: { channel: '#alerts', hasBotToken: true },
    });
    expect(channelAnswer(hookStored)).toMatchObject({
      url: 'https://hooks.slack.com/services/…',
      slack: { hasBotToken: false },
    });
    expect(leaks(JSON.stringify([botStored, hookStored, channelAnswer(botStored), channelAnswer(hookStored)]))).toEqual(
      [],
    );
    expect(openChannel(botStored, box).slack?.botToken).toBe(TOKEN);
    expect(openChannel(hookStored, box).slack?.webhookUrl).toBe(SLACK_URL);
  });

  it('without a key, a channel with a secret is refused with a 400 naming ALERT_SECRET_KEY (and not the secret)', async () => {
    const inputs = [
      { name: 'hook', tenantName: 'Acme', kind: 'webhook', url: 'https://93.184.216.34/', secret: SECRET },
      { name: 'bot', tenantName: 'Acme', kind: 'slack', slack: { botToken: TOKEN, channel: '#a' } },
    ];
    for (const input of inputs) {
      const err = await prepareChannel(input, writeDeps(false)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('BAD_INPUT');
      expect((err as AppError).message).toMatch(/^(secret|slack\.botToken): .*ALERT_SECRET_KEY/);
      expect(leaks((err as AppError).message)).toEqual([]);
    }
    // Nothing to seal: no key needed.
    const plain = await prepareChannel(
      { name: 'h', tenantName: 'Acme', kind: 'webhook', url: 'https://93.184.216.34/' },
      writeDeps(false),
    );
    expect(plain.sealed).toBeNull();
  });

  it('a validation error of a write never quotes a secret', async () => {
    const err = await prepareChannel(
      { name: 'hook', tenantName: 'Acme', kind: 'slack', url: SLACK_URL, secret: SECRET, slack: { botToken: TOKEN } },
      writeDeps(),
    ).catch((e: unknown) => e as Error);
    expect((err as Error).message).toMatch(/^secret is for webhook channels.*; url is for an incoming webhook/);
    expect(leaks((err as Error).message)).toEqual([]);
  });

  it('never appear in log output, even when a whole channel is logged', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const log = createLogger({ LOG_LEVEL: 'info', podId: 'test' }, sink);
    const bot = await prepareChannel(
      { name: 'bot', tenantName: 'Acme', kind: 'slack', slack: { botToken: TOKEN, channel: '#alerts' } },
      writeDeps(),
    );
    const hook = await prepareChannel({ name: 'hook', tenantName: 'Acme', kind: 'slack', url: SLACK_URL }, writeDeps());
    const webhook = await prepareChannel(
      { name: 'w', tenantName: 'Acme', kind: 'webhook', url: 'https://93.184.216.34/', secret: SECRET },
      writeDeps(),
    );
    for (const stored of [bot, hook, webhook]) log.warn({ channel: openChannel(stored, box) }, 'delivery failed');
    log.info({ secret: SECRET, botToken: TOKEN }, 'fields by their names');
    expect(lines).toHaveLength(4);
    expect(leaks(lines.join(''))).toEqual([]);
    expect(lines.join('')).toContain('[redacted]');
  });
});
