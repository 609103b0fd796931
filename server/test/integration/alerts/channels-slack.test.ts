import { afterEach, describe, expect, it } from 'vitest';
import { channelDeps } from '../../../src/alerts/channels/deps.js';
import { sendTest, sendToChannel, testMessage } from '../../../src/alerts/channels/send.js';
import type { AlertMessage, SendableChannel } from '../../../src/alerts/channels/types.js';
import { loadConfig } from '../../../src/platform/config.js';
import { type Answer, type Received, type Receiver, startReceiver } from './receiver.js';

const TOKEN = 'xoxb-1111-2222-SECRETTOKEN';
const NOW = new Date('2026-12-03T10:00:00.000Z');
const json = (body: unknown): Answer => ({ status: 200, body: JSON.stringify(body), contentType: 'application/json' });

let receivers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  receivers = [];
});

/** A local stand-in for the Slack Web API: `answer` per method, requests recorded. */
async function fakeSlack(answer: (method: string, body: Record<string, unknown>) => Answer): Promise<Receiver> {
  const r = await startReceiver((req) => answer(req.path.replace(/^\/api\//, ''), JSON.parse(req.body)));
  receivers.push(r);
  return r;
}
const depsFor = (api: Receiver) =>
  channelDeps(loadConfig({ ALERT_ALLOWED_TARGETS: '127.0.0.1', SLACK_API_URL: `${api.url}/api/` }), () => NOW);
const bot = (): SendableChannel => ({
  name: 'team-slack',
  tenantName: 'Acme',
  kind: 'slack',
  url: null,
  secret: null,
  slack: { webhookUrl: null, botToken: TOKEN, channel: '#data-alerts' },
});
const firing = testMessage({ name: 'team-slack', tenantName: 'Acme' }, NOW);
const resolved: AlertMessage = {
  ...firing,
  deliveryId: '00000000-0000-4000-8000-000000000002',
  changes: firing.changes.map((c) => ({ ...c, sequence: 2, state: 'resolved' as const })),
};
const bodyOf = (r: Received) => JSON.parse(r.body) as Record<string, unknown>;

describe('Slack bot channel', () => {
  it('posts with chat.postMessage, then edits that message in place with chat.update on resolve', async () => {
    const api = await fakeSlack((method, body) =>
      json({ ok: true, channel: 'C024BE91L', ts: method === 'chat.update' ? body.ts : '1764756000.000100' }),
    );
    const deps = depsFor(api);
    const posted = await sendToChannel(bot(), firing, deps);
    expect(posted).toMatchObject({ ok: true, status: 200, error: null, ref: 'C024BE91L 1764756000.000100' });
    const updated = await sendToChannel(bot(), resolved, deps, posted.ref);
    expect(updated).toMatchObject({ ok: true, ref: 'C024BE91L 1764756000.000100' });

    expect(api.requests.map((r) => r.path)).toEqual(['/api/chat.postMessage', '/api/chat.update']);
    const [post, update] = api.requests as [Received, Received];
    expect(post.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(bodyOf(post)).toMatchObject({ channel: '#data-alerts', text: expect.stringContaining('1 firing') });
    expect(bodyOf(post).blocks).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'section' })]));
    expect(bodyOf(update)).toMatchObject({
      channel: 'C024BE91L',
      ts: '1764756000.000100',
      text: expect.stringContaining('Resolved: 1 resolved'),
    });
  });

  it("treats Slack's 200 { ok: false } as a failure, retryable only for Slack's passing trouble", async () => {
    const errors = ['channel_not_found', 'invalid_auth', 'ratelimited', 'internal_error'];
    let n = 0;
    const api = await fakeSlack(() => json({ ok: false, error: errors[n++] }));
    const results = [];
    for (const _ of errors) results.push(await sendTest(bot(), depsFor(api)));
    expect(results.map((r) => [r.ok, r.status, r.retryable])).toEqual([
      [false, 200, false],
      [false, 200, false],
      [false, 200, true],
      [false, 200, true],
    ]);
    expect(results[0]?.error).toBe('Slack chat.postMessage answered error: channel_not_found');
    for (const r of results) expect(r.error).not.toContain(TOKEN);
  });

  it('a 429 or 5xx from the Slack API is retryable; the error never carries the token', async () => {
    let n = 0;
    const api = await fakeSlack(() => ({ status: [429, 503][n++] ?? 200, body: 'slow down' }));
    const results = [await sendTest(bot(), depsFor(api)), await sendTest(bot(), depsFor(api))];
    expect(results.map((r) => [r.ok, r.status, r.retryable])).toEqual([
      [false, 429, true],
      [false, 503, true],
    ]);
    for (const r of results) expect(r.error).not.toContain(TOKEN);
  });

  it('posts a new message when the one to update is gone', async () => {
    const api = await fakeSlack((method) =>
      method === 'chat.update'
        ? json({ ok: false, error: 'message_not_found' })
        : json({ ok: true, channel: 'C024BE91L', ts: '1764756999.000200' }),
    );
    const result = await sendToChannel(bot(), resolved, depsFor(api), 'C024BE91L 1764756000.000100');
    expect(result).toMatchObject({ ok: true, ref: 'C024BE91L 1764756999.000200' });
    expect(api.requests.map((r) => r.path)).toEqual(['/api/chat.update', '/api/chat.postMessage']);
  });
});

describe('Slack incoming webhook channel', () => {
  const hook = (url: string): SendableChannel => ({
    name: 'team-slack',
    tenantName: 'Acme',
    kind: 'slack',
    url: null,
    secret: null,
    slack: { webhookUrl: `${url}/services/T000/B000/XXXXSECRETPATH`, botToken: null, channel: null },
  });

  it('POSTs { text, blocks } to the webhook URL', async () => {
    const r = await startReceiver();
    receivers.push(r);
    const result = await sendToChannel(hook(r.url), firing, depsFor(r));
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(r.requests[0]?.path).toBe('/services/T000/B000/XXXXSECRETPATH');
    const body = bodyOf(r.requests[0] as Received);
    expect(Object.keys(body).sort()).toEqual(['blocks', 'text']);
    expect(body.text).toContain('Acme');
  });

  it("Slack's invalid_payload (400) is not retryable; the error names it but not the URL's path", async () => {
    const r = await startReceiver(() => ({ status: 400, body: 'invalid_payload' }));
    receivers.push(r);
    const result = await sendToChannel(hook(r.url), firing, depsFor(r));
    expect(result).toMatchObject({ ok: false, status: 400, retryable: false });
    expect(result.error).toBe('Slack answered HTTP 400: invalid_payload');
    expect(result.error).not.toContain('SECRETPATH');
  });
});
