import { describe, expect, it } from 'vitest';
import { refusedAddressPhrase, refusedRange } from '../../../src/alerts/channels/refused-ranges.js';
import { parseAllowedTarget } from '../../../src/platform/allowed-targets.js';
import { ConfigError, loadConfig } from '../../../src/platform/config.js';

describe('refused address ranges', () => {
  it('refuses internal, loopback, link-local, CGNAT, unique-local, multicast and unspecified addresses, and their IPv4-mapped forms', () => {
    const refused: [string, string][] = [
      ['127.0.0.1', 'loopback'],
      ['127.255.0.9', 'loopback'],
      ['::1', 'loopback'],
      ['10.0.0.1', 'private'],
      ['172.31.255.255', 'private'],
      ['192.168.0.10', 'private'],
      ['169.254.169.254', 'link-local (cloud metadata)'],
      ['fe80::1', 'link-local'],
      ['100.64.0.1', 'CGNAT shared'],
      ['100.127.255.254', 'CGNAT shared'],
      ['fd00:ec2::254', 'unique-local'],
      ['fc00::1', 'unique-local'],
      ['0.0.0.0', 'unspecified ("this network")'],
      ['::', 'unspecified'],
      ['224.0.0.251', 'multicast'],
      ['ff02::1', 'multicast'],
      ['255.255.255.255', 'reserved or broadcast'],
      ['::ffff:10.0.0.1', 'private'],
      ['::ffff:127.0.0.1', 'loopback'],
      ['::ffff:a9fe:a9fe', 'link-local (cloud metadata)'],
    ];
    for (const [address, what] of refused) expect(refusedRange(address), address).toBe(what);
  });

  it('lets public addresses through, including neighbours of the refused ranges', () => {
    for (const address of [
      '93.184.216.34',
      '8.8.8.8',
      '172.32.0.1',
      '100.128.0.1',
      '169.255.0.1',
      '2606:4700::1111',
      '::ffff:8.8.8.8',
    ])
      expect(refusedRange(address), address).toBeNull();
  });
});

describe('refused addresses in a sentence', () => {
  it('take the right article: an unspecified, an IETF, a loopback, a unique-local', () => {
    expect(refusedAddressPhrase('0.0.0.0')).toBe('an unspecified ("this network") address');
    expect(refusedAddressPhrase('::')).toBe('an unspecified address');
    expect(refusedAddressPhrase('192.0.0.8')).toBe('an IETF protocol assignments address');
    expect(refusedAddressPhrase('127.0.0.1')).toBe('a loopback address');
    expect(refusedAddressPhrase('fd00::1')).toBe('a unique-local address');
    expect(refusedAddressPhrase('8.8.8.8')).toBeNull();
    expect(refusedAddressPhrase('example.com')).toBe('not an address');
  });
});

describe('ALERT_ALLOWED_TARGETS', () => {
  it('parses hosts, host:port (IPv6 bracketed) and CIDR ranges', () => {
    expect(parseAllowedTarget('Receiver.Internal')).toEqual({ kind: 'host', host: 'receiver.internal', port: null });
    expect(parseAllowedTarget('127.0.0.1:8080')).toEqual({ kind: 'host', host: '127.0.0.1', port: 8080 });
    expect(parseAllowedTarget('[::1]:9000')).toEqual({ kind: 'host', host: '::1', port: 9000 });
    expect(parseAllowedTarget('::1')).toEqual({ kind: 'host', host: '::1', port: null });
    expect(parseAllowedTarget('10.0.0.0/8')).toEqual({ kind: 'cidr', address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    expect(parseAllowedTarget('fd00::/8')).toEqual({ kind: 'cidr', address: 'fd00::', prefix: 8, family: 'ipv6' });
    for (const bad of ['10.0.0.0/33', 'host:0', 'host:70000', 'http://x', 'a b', '', '/8', 'fd00::/129'])
      expect(parseAllowedTarget(bad), bad).toBeNull();
  });

  it('refuses to start on a malformed entry, naming the variable', () => {
    expect(loadConfig({ ALERT_ALLOWED_TARGETS: '127.0.0.1, 10.0.0.0/8' }).ALERT_ALLOWED_TARGETS).toHaveLength(2);
    expect(() => loadConfig({ ALERT_ALLOWED_TARGETS: '127.0.0.1,10.0.0.0/40' })).toThrow(/ALERT_ALLOWED_TARGETS: /);
  });
});

describe('ALERT_SECRET_KEY, SLACK_API_URL, SLACK_WEBHOOK_HOST, ALERT_DELIVERY_TIMEOUT_MS', () => {
  it('accepts the base64 of 32 bytes, and refuses anything else naming the variable but not quoting the value', () => {
    const key = Buffer.alloc(32, 1).toString('base64');
    expect(loadConfig({ ALERT_SECRET_KEY: key }).ALERT_SECRET_KEY).toBe(key);
    for (const bad of ['short-secret-value', Buffer.alloc(16, 1).toString('base64'), `${key.slice(0, -2)}!=`]) {
      let message = '';
      try {
        loadConfig({ ALERT_SECRET_KEY: bad });
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        message = (err as Error).message;
      }
      expect(message).toMatch(/ALERT_SECRET_KEY: expected the base64 encoding of 32/);
      expect(message).not.toContain(bad);
    }
  });

  it('has defaults for Slack and the delivery timeout', () => {
    const c = loadConfig({});
    expect([c.SLACK_API_URL, c.SLACK_WEBHOOK_HOST, c.ALERT_DELIVERY_TIMEOUT_MS, c.ALERT_SECRET_KEY]).toEqual([
      'https://slack.com/api',
      'hooks.slack.com',
      5000,
      undefined,
    ]);
    expect(() => loadConfig({ SLACK_API_URL: 'ftp://x' })).toThrow(/SLACK_API_URL/);
    expect(() => loadConfig({ SLACK_WEBHOOK_HOST: 'https://x' })).toThrow(/SLACK_WEBHOOK_HOST/);
  });
});
