import { BlockList, isIP } from 'node:net';

/**
 * Address ranges an alert channel may not reach unless ALERT_ALLOWED_TARGETS names them:
 * internal services and cloud metadata (169.254.169.254) live there. Source: the IANA IPv4
 * and IPv6 Special-Purpose Address Registries (RFC 6890) — private (RFC 1918), loopback,
 * link-local, CGNAT shared space (RFC 6598), unique-local (RFC 4193), unspecified, multicast,
 * benchmarking and reserved. net.BlockList matches IPv4-mapped IPv6 addresses
 * (::ffff:10.0.0.1) against the IPv4 ranges, so the mapped forms are covered too.
 * Each entry: address, prefix length, family, what kind of range, and the article its name
 * takes in a sentence.
 */
const RANGES: [string, number, 'ipv4' | 'ipv6', string, 'a' | 'an'][] = [
  ['0.0.0.0', 8, 'ipv4', 'unspecified ("this network")', 'an'],
  ['10.0.0.0', 8, 'ipv4', 'private', 'a'],
  ['100.64.0.0', 10, 'ipv4', 'CGNAT shared', 'a'],
  ['127.0.0.0', 8, 'ipv4', 'loopback', 'a'],
  ['169.254.0.0', 16, 'ipv4', 'link-local (cloud metadata)', 'a'],
  ['172.16.0.0', 12, 'ipv4', 'private', 'a'],
  ['192.0.0.0', 24, 'ipv4', 'IETF protocol assignments', 'an'],
  ['192.168.0.0', 16, 'ipv4', 'private', 'a'],
  ['198.18.0.0', 15, 'ipv4', 'benchmarking', 'a'],
  ['224.0.0.0', 4, 'ipv4', 'multicast', 'a'],
  ['240.0.0.0', 4, 'ipv4', 'reserved or broadcast', 'a'],
  ['::', 128, 'ipv6', 'unspecified', 'an'],
  ['::1', 128, 'ipv6', 'loopback', 'a'],
  ['fc00::', 7, 'ipv6', 'unique-local', 'a'],
  ['fe80::', 10, 'ipv6', 'link-local', 'a'],
  ['fec0::', 10, 'ipv6', 'site-local (deprecated)', 'a'],
  ['ff00::', 8, 'ipv6', 'multicast', 'a'],
];

const LISTS = RANGES.map(([address, prefix, family, what, article]) => {
  const list = new BlockList();
  list.addSubnet(address, prefix, family);
  return { list, what, article };
});

/**
 * What kind of refused address `address` is (e.g. `loopback`), or null when it may be
 * reached. `address` is an IPv4 or IPv6 literal; anything else is refused as `not an address`.
 */
export function refusedRange(address: string): string | null {
  const family = isIP(address);
  if (family === 0) return 'not an address';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  return LISTS.find(({ list }) => list.check(address, type))?.what ?? null;
}

/**
 * `refusedRange` as a sentence takes it, with its article: `an unspecified ("this network")
 * address`, `a loopback address`; `not an address` for anything that is no IP literal; null
 * when it may be reached.
 */
export function refusedAddressPhrase(address: string): string | null {
  const family = isIP(address);
  if (family === 0) return 'not an address';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const range = LISTS.find(({ list }) => list.check(address, type));
  return range ? `${range.article} ${range.what} address` : null;
}
