import { webcrypto } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { channelDeps } from '../../../src/alerts/channels/deps.js';
import { sendTest, sendToChannel, testMessage } from '../../../src/alerts/channels/send.js';
import type { SendableChannel } from '../../../src/alerts/channels/types.js';
import { loadConfig } from '../../../src/platform/config.js';
import { type Answer, type Received, type Receiver, startReceiver } from './receiver.js';

const NOW = new Date('2026-12-03T10:00:00.000Z');
const SECRET = 'whsec-test-4f1c9a7e2b';
const deps = (timeoutMs = 5000) =>
  channelDeps(
    loadConfig({ ALERT_ALLOWED_TARGETS: '127.0.0.1', ALERT_DELIVERY_TIMEOUT_MS: String(timeoutMs) }),
    () => NOW,
  );
const webhook = (url: string, secret: string | null = SECRET): SendableChannel => ({
  name: 'ops-hook',
  tenantName: 'Acme',
  kind: 'webhook',
  url,
  secret,
  slack: null,
});

let receivers: Receiver[] = [];
const receiver = async (answer?: (r: Received, n: number) => Answer) => {
  const r = await startReceiver(answer);
  receivers.push(r);
  return r;
};
afterEach(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  receivers = [];
});

/** HMAC-SHA256 hex by WebCrypto: an implementation independent of node:crypto's createHmac used by the sender. */
async function hmacHex(secret: string, data: string): Promise<string> {
  const enc = new TextEncoder();
  const key = await webcrypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  const mac = await webcrypto.subtle.sign('HMAC', key, enc.encode(data));
  return Buffer.from(mac).toString('hex');
}

describe('webhook channel', () => {
  it('POSTs the AlertMessage as JSON with delivery id, timestamp and a signature a receiver can verify', async () => {
    const r = await receiver();
    const message = testMessage({ name: 'ops-hook', tenantName: 'Acme' }, NOW);
    const result = await sendToChannel(webhook(`${r.url}/hooks/sla`), message, deps());
    expect(result).toMatchObject({ ok: true, status: 200, error: null, retryable: false });
    expect(r.requests).toHaveLength(1);
    const got = r.requests[0] as Received;
    expect(got.method).toBe('POST');
    expect(got.path).toBe('/hooks/sla');
    expect(got.headers['content-type']).toMatch(/^application\/json/);
    expect(got.headers['x-sla-delivery']).toBe(message.deliveryId);
    const timestamp = got.headers['x-sla-timestamp'];
    expect(timestamp).toBe(String(NOW.getTime() / 1000));
    expect(got.headers['x-sla-signature']).toBe(`v1=${await hmacHex(SECRET, `${timestamp}.${got.body}`)}`);
    expect(got.headers['x-sla-signature']).not.toBe(
      `v1=${await hmacHex('another secret', `${timestamp}.${got.body}`)}`,
    );
    expect(JSON.parse(got.body)).toEqual(message);
  });

  it('sends unsigned without a secret (no signature header)', async () => {
    const r = await receiver();
    const result = await sendTest(webhook(r.url, null), deps());
    expect(result.ok).toBe(true);
    expect(r.requests[0]?.headers['x-sla-signature']).toBeUndefined();
    expect(r.requests[0]?.headers['x-sla-delivery']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sendTest sends one firing change named "Test message" to the channel', async () => {
    const r = await receiver();
    expect((await sendTest(webhook(r.url), deps())).ok).toBe(true);
    const body = JSON.parse(r.requests[0]?.body ?? '{}');
    expect(body).toMatchObject({ channel: 'ops-hook', tenantName: 'Acme', sentAt: NOW.toISOString() });
    expect(body.changes).toEqual([
      expect.objectContaining({ fingerprint: 'test', state: 'firing', ruleName: 'Test message', severity: 'info' }),
    ]);
  });

  it('a 500, 503, 429 or 408 is a retryable failure; a 400, 401 or 404 is not', async () => {
    const statuses = [500, 503, 429, 408, 400, 401, 404];
    const r = await receiver((_req, n) => ({ status: statuses[n - 1] ?? 200, body: 'nope' }));
    const results = [];
    for (const _ of statuses) results.push(await sendTest(webhook(r.url), deps()));
    expect(results.map((x) => [x.ok, x.status, x.retryable])).toEqual([
      [false, 500, true],
      [false, 503, true],
      [false, 429, true],
      [false, 408, true],
      [false, 400, false],
      [false, 401, false],
      [false, 404, false],
    ]);
    for (const x of results) {
      expect(x.error).toContain(`HTTP ${x.status}`);
      expect(x.error).not.toContain(SECRET);
    }
  });

  it('a receiver that never answers is a retryable timeout after ALERT_DELIVERY_TIMEOUT_MS', async () => {
    const r = await receiver(() => 'hang');
    const result = await sendTest(webhook(r.url), deps(400));
    expect(result).toMatchObject({ ok: false, status: null, retryable: true });
    expect(result.error).toMatch(/timed out after 400 ms/);
    expect(result.durationMs).toBeGreaterThanOrEqual(395);
    expect(result.durationMs).toBeLessThan(900);
    expect(r.requests).toHaveLength(1);
  });

  it('a connection refused (nothing listening) is retryable', async () => {
    const r = await receiver();
    await r.close();
    receivers = [];
    const result = await sendTest(webhook(r.url), deps());
    expect(result).toMatchObject({ ok: false, status: null, retryable: true });
    expect(result.error).toContain('ECONNREFUSED');
  });
});
