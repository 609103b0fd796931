import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { channelDeps } from '../../../src/alerts/channels/deps.js';
import { sendTest } from '../../../src/alerts/channels/send.js';
import { prepareChannel } from '../../../src/alerts/channels/stored.js';
import { pinnedLookup } from '../../../src/alerts/channels/target-guard.js';
import type { SendableChannel } from '../../../src/alerts/channels/types.js';
import { loadConfig } from '../../../src/platform/config.js';
import { AppError } from '../../../src/platform/errors.js';
import { type Receiver, startReceiver } from './receiver.js';

const deps = (allowed?: string) => channelDeps(loadConfig({ ALERT_ALLOWED_TARGETS: allowed }));
const webhook = (url: string): SendableChannel => ({
  name: 'hook',
  tenantName: 'Acme',
  kind: 'webhook',
  url,
  secret: 's3cret',
  slack: null,
});

let receivers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  receivers = [];
});
const receiver = async (host?: string) => {
  const r = await startReceiver(undefined, host);
  receivers.push(r);
  return r;
};

/** A receiver on ::1, or null when this machine has no IPv6 loopback. */
const ipv6Receiver = () => receiver('::1').catch(() => null);

describe('target guard at send time', () => {
  it('refuses loopback, by address or by a name resolving to it, without any connection', async () => {
    const r = await receiver();
    const urls = [
      r.url,
      `http://localhost:${r.port}/`,
      `http://[::ffff:127.0.0.1]:${r.port}/`,
      `http://127.1:${r.port}/`,
    ];
    for (const url of urls) {
      const result = await sendTest(webhook(url), deps());
      expect(result, url).toMatchObject({ ok: false, status: null, retryable: false });
      expect(result.error, url).toMatch(/^refused: .*loopback/);
      expect(result.error, url).toContain('ALERT_ALLOWED_TARGETS');
    }
    expect(r.connections()).toBe(0);
    expect(r.requests).toEqual([]);
  });

  it('refuses [::1] without any connection', async () => {
    const r = await ipv6Receiver();
    const url = r ? r.url : 'http://[::1]:9/';
    const result = await sendTest(webhook(url), deps());
    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(result.error).toMatch(/^refused: .*loopback/);
    if (r) expect(r.connections()).toBe(0);
  });

  it('refuses cloud metadata, private, mapped-private, CGNAT, unique-local, multicast and unspecified targets', async () => {
    const cases: [string, RegExp][] = [
      ['http://169.254.169.254/latest/meta-data/', /link-local/],
      ['http://10.1.2.3/', /private/],
      ['http://[::ffff:10.0.0.1]/', /private/],
      ['http://192.168.1.1/', /private/],
      ['http://172.20.0.1/', /private/],
      ['http://100.64.0.1/', /CGNAT/],
      ['http://[fd12::1]/', /unique-local/],
      ['http://[fe80::1]/', /link-local/],
      ['http://224.0.0.1/', /multicast/],
      ['http://0.0.0.0/', /unspecified/],
      ['http://[::]/', /unspecified/],
    ];
    for (const [url, what] of cases) {
      const result = await sendTest(webhook(url), deps());
      expect(result, url).toMatchObject({ ok: false, status: null, retryable: false });
      expect(result.error, url).toMatch(/^refused: /);
      expect(result.error, url).toMatch(what);
      // Refused before any connection attempt: no time spent waiting for an unreachable host.
      expect(result.durationMs, url).toBeLessThan(200);
    }
  });

  it('delivers to an address the allow-list names (address, host:port, CIDR, host name), and only there', async () => {
    const r = await receiver();
    for (const allowed of ['127.0.0.1', `127.0.0.1:${r.port}`, '127.0.0.0/8'])
      expect((await sendTest(webhook(r.url), deps(allowed))).ok, allowed).toBe(true);
    expect((await sendTest(webhook(`http://localhost:${r.port}/`), deps('localhost'))).ok).toBe(true);
    expect((await sendTest(webhook(`http://localhost:${r.port}/`), deps('127.0.0.0/8'))).ok).toBe(true);
    expect(r.requests).toHaveLength(5);
    const otherPort = await sendTest(webhook(r.url), deps(`127.0.0.1:${r.port === 65535 ? 1 : r.port + 1}`));
    expect(otherPort.error).toMatch(/^refused: /);
    const otherName = await sendTest(webhook(r.url), deps('localhost'));
    expect(otherName.error).toMatch(/^refused: /);
    expect(r.requests).toHaveLength(5);
  });

  it('connects to the checked address: the request goes to it without resolving the name again', async () => {
    const r = await receiver();
    // A name that has no DNS answer at all: the connection can only go where the check said.
    const target = {
      url: new URL(`http://rebind.invalid:${r.port}/`),
      port: r.port,
      addresses: [{ address: '127.0.0.1', family: 4 as const }],
    };
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(target.url, { method: 'POST', agent: false, lookup: pinnedLookup(target) }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(200);
    expect(r.requests[0]?.headers.host).toBe(`rebind.invalid:${r.port}`);
  });
});

describe('target guard at write time', () => {
  const write = (url: string, allowed?: string) =>
    prepareChannel({ name: 'hook', tenantName: 'Acme', kind: 'webhook', url }, { channel: deps(allowed), box: null });

  it('refuses a refused address with a 400 naming url', async () => {
    for (const url of [
      'http://169.254.169.254/',
      'http://localhost:8080/',
      'http://[::1]/',
      'http://[::ffff:10.0.0.1]/',
    ]) {
      const err = await write(url).catch((e: unknown) => e);
      expect(err, url).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('BAD_INPUT');
      expect((err as AppError).message, url).toMatch(/^url: refused: /);
    }
  });

  it('refuses a URL that is not http(s), naming url', async () => {
    await expect(write('ftp://example.com/x')).rejects.toThrow(/^url must use http or https/);
  });

  it('accepts a name that does not resolve yet; sending to it fails retryably, checked again', async () => {
    const stored = await write('http://no-such-host.invalid/hook');
    expect(stored.url).toBe('http://no-such-host.invalid/hook');
    const result = await sendTest(webhook('http://no-such-host.invalid/hook'), deps());
    expect(result).toMatchObject({ ok: false, status: null, retryable: true });
    expect(result.error).toMatch(/could not reach no-such-host\.invalid \((ENOTFOUND|EAI_AGAIN)\)/);
  });

  it('accepts an allow-listed target and a public address', async () => {
    expect((await write('http://127.0.0.1:8080/hook', '127.0.0.1:8080')).url).toBe('http://127.0.0.1:8080/hook');
    expect((await write('https://93.184.216.34/hook')).url).toBe('https://93.184.216.34/hook');
  });
});
