import { isIP } from 'node:net';

/**
 * One entry of `ALERT_ALLOWED_TARGETS`: an address range (`10.0.0.0/8`, `fd00::/8`), or a host
 * (a name, an IPv4 address or an IPv6 address, bracketed or not) with an optional port.
 * Host names are kept lower-case and IPv6 addresses without brackets.
 */
export type AllowedTarget =
  | { kind: 'cidr'; address: string; prefix: number; family: 'ipv4' | 'ipv6' }
  | { kind: 'host'; host: string; port: number | null };

const HOST_NAME = /^[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*\.?$/;
const HOST_PORT = /^(\[[0-9a-f:.]+\]|[a-z0-9_.-]+):([0-9]{1,5})$/;

const hostOf = (s: string): string | null => {
  const bare = s.startsWith('[') && s.endsWith(']') ? s.slice(1, -1) : s;
  if (isIP(bare) !== 0) return bare;
  return s === bare && HOST_NAME.test(s) ? s.replace(/\.$/, '') : null;
};

/**
 * Parses one allow-list entry, or null when it is none of the forms above (the
 * configuration then refuses to start, naming the variable).
 */
export function parseAllowedTarget(raw: string): AllowedTarget | null {
  const s = raw.trim().toLowerCase();
  const slash = s.indexOf('/');
  if (slash >= 0) {
    const address = s.slice(0, slash);
    const family = isIP(address);
    const prefix = /^\d{1,3}$/.test(s.slice(slash + 1)) ? Number(s.slice(slash + 1)) : Number.NaN;
    if (family === 0 || !(prefix >= 0 && prefix <= (family === 4 ? 32 : 128))) return null;
    return { kind: 'cidr', address, prefix, family: family === 4 ? 'ipv4' : 'ipv6' };
  }
  const plain = hostOf(s);
  if (plain !== null) return { kind: 'host', host: plain, port: null };
  const m = HOST_PORT.exec(s);
  const host = m ? hostOf(m[1] ?? '') : null;
  const port = Number(m?.[2]);
  if (host === null || !(port >= 1 && port <= 65535)) return null;
  return { kind: 'host', host, port };
}
