import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import { BlockList, isIP } from 'node:net';
import type { AllowedTarget } from '../../platform/allowed-targets.js';
import { refusedAddressPhrase } from './refused-ranges.js';

/** A target refused by the guard; the message names the host and the address, never the URL's path or query. */
export class TargetRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetRefused';
  }
}

/** The allow-list compiled once: ranges in a BlockList, hosts by name or address. */
export type TargetGuard = { ranges: BlockList; hosts: { host: string; port: number | null }[] };

/** Compiles `ALERT_ALLOWED_TARGETS` (already parsed by the configuration). */
export function targetGuard(allowed: readonly AllowedTarget[] = []): TargetGuard {
  const ranges = new BlockList();
  const hosts: TargetGuard['hosts'] = [];
  for (const t of allowed) {
    if (t.kind === 'cidr') ranges.addSubnet(t.address, t.prefix, t.family);
    else hosts.push({ host: t.host, port: t.port });
  }
  return { ranges, hosts };
}

/** A target whose every address was checked: connect only to these. */
export type CheckedTarget = { url: URL; port: number; addresses: { address: string; family: 4 | 6 }[] };

const bare = (hostname: string) => (hostname.startsWith('[') ? hostname.slice(1, -1) : hostname).toLowerCase();

/** True when the allow-list names this address (by range or literal) or this host name, at this port. */
function isAllowed(guard: TargetGuard, hostname: string, address: string, port: number): boolean {
  if (guard.ranges.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6')) return true;
  return guard.hosts.some(
    (h) =>
      (h.port === null || h.port === port) &&
      (h.host === hostname || (isIP(h.host) !== 0 && sameAddress(h.host, address))),
  );
}

/** Two IP literals denote the same address (BlockList normalises the IPv6 spellings). */
function sameAddress(a: string, b: string): boolean {
  const one = new BlockList();
  one.addAddress(a, isIP(a) === 4 ? 'ipv4' : 'ipv6');
  return one.check(b, isIP(b) === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Resolves `url`'s host (every address: `dns.promises.lookup` with `all`) and refuses it when
 * any address lies in a refused range (refused-ranges.ts) that the allow-list does not name.
 * Checking every address matters: a name answering one public and one internal address would
 * otherwise reach the internal one on the connection's fallback.
 * @throws TargetRefused (refused address, or a URL that is not http(s)); the DNS error when the name does not resolve.
 */
export async function checkTarget(url: string, guard: TargetGuard): Promise<CheckedTarget> {
  const u = new URL(url);
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new TargetRefused(`refused: ${u.protocol} is not http(s)`);
  const hostname = bare(u.hostname);
  const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
  const family = isIP(hostname);
  const addresses =
    family !== 0
      ? [{ address: hostname, family: family as 4 | 6 }]
      : (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({
          address: a.address,
          family: a.family as 4 | 6,
        }));
  for (const { address } of addresses) {
    const refused = refusedAddressPhrase(address);
    if (refused !== null && !isAllowed(guard, hostname, address, port))
      throw new TargetRefused(
        `refused: ${u.host} ${family !== 0 ? 'is' : `resolves to ${address},`} ${refused}; name it in ALERT_ALLOWED_TARGETS to allow it`,
      );
  }
  if (addresses.length === 0) throw new TargetRefused(`refused: ${u.host} resolves to no address`);
  return { url: u, port, addresses };
}

/**
 * A `lookup` for node:http(s).request that answers only the addresses `checkTarget` checked,
 * so the connection goes where the check looked: a DNS answer that changes between check
 * and connect (DNS rebinding) is never asked for. Node calls it with `all: true` when it
 * tries address families in turn (autoSelectFamily), with one address otherwise.
 */
export function pinnedLookup(target: CheckedTarget): LookupFunction {
  return (_hostname, options, callback) => {
    const wanted = target.addresses.filter((a) => !options.family || a.family === options.family);
    const list = wanted.length > 0 ? wanted : target.addresses;
    if (options.all) (callback as (e: null, a: typeof list) => void)(null, list);
    else callback(null, list[0]?.address ?? '', list[0]?.family ?? 4);
  };
}
