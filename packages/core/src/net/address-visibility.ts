/**
 * Whether a host or URL points at this machine (loopback) or at a network the internet cannot reach (private).
 * Pure string checks: nothing is resolved through DNS, so a public name that resolves to a private address counts as
 * public. Hosts are compared case-insensitively; IPv6 hosts may be bracketed (`[::1]`) and carry a zone (`fe80::1%en0`);
 * one trailing dot (`localhost.`) is ignored.
 */

/** A host ready to compare: trimmed, lower-cased, without IPv6 brackets, a zone id or one trailing dot. */
function normalizeHost(host: string): string {
  let normalized = host.trim().toLowerCase();
  if (normalized.startsWith('[') && normalized.endsWith(']')) normalized = normalized.slice(1, -1);
  const zone = normalized.indexOf('%');
  if (zone !== -1 && normalized.includes(':')) normalized = normalized.slice(0, zone);
  if (normalized.endsWith('.') && !normalized.endsWith('..')) normalized = normalized.slice(0, -1);
  return normalized;
}

/** The four octets of a dotted-decimal IPv4 address (`127.0.0.1`), or undefined for anything else. */
function parseIPv4(host: string): [number, number, number, number] | undefined {
  const parts = host.split('.');
  if (parts.length !== 4) return undefined;
  const octets: number[] = [];
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    octets.push(octet);
  }
  return octets as [number, number, number, number];
}

/** The 16-bit groups of one side of a `::`, or undefined when one is not 1 to 4 hex digits. */
function parseIPv6Groups(text: string): number[] | undefined {
  if (text === '') return [];
  const groups: number[] = [];
  for (const group of text.split(':')) {
    if (!/^[0-9a-f]{1,4}$/.test(group)) return undefined;
    groups.push(Number.parseInt(group, 16));
  }
  return groups;
}

/** The eight 16-bit groups of an IPv6 address (with `::` and an optional dotted IPv4 tail), or undefined. */
function parseIPv6(host: string): number[] | undefined {
  if (!host.includes(':')) return undefined;
  let text = host;
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    const ipv4 = parseIPv4(text.slice(lastColon + 1));
    if (!ipv4) return undefined;
    tail.push((ipv4[0] << 8) | ipv4[1], (ipv4[2] << 8) | ipv4[3]);
    // Keep a `::` that ends right before the IPv4 tail (`::ffff:1.2.3.4` keeps `::ffff`, `::1.2.3.4` keeps `::`).
    text = text.slice(0, text[lastColon - 1] === ':' ? lastColon + 1 : lastColon);
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseIPv6Groups(halves[0] ?? '');
  const rest = halves.length === 2 ? parseIPv6Groups(halves[1] ?? '') : [];
  if (!head || !rest) return undefined;
  const given = head.length + rest.length + tail.length;
  if (halves.length === 1) return given === 8 ? [...head, ...tail] : undefined;
  if (given > 7) return undefined;
  return [...head, ...new Array<number>(8 - given).fill(0), ...rest, ...tail];
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:127.0.0.1`, `::ffff:7f00:1`), if it is one. */
function mappedIPv4(groups: readonly number[]): [number, number, number, number] | undefined {
  if (!groups.slice(0, 5).every((group) => group === 0) || groups[5] !== 0xffff) return undefined;
  const high = groups[6] ?? 0;
  const low = groups[7] ?? 0;
  return [high >> 8, high & 0xff, low >> 8, low & 0xff];
}

/** `localhost` or a name under it (`app.localhost`, RFC 6761). */
function isLocalhostName(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost');
}

/** 127.0.0.0/8. */
function isLoopbackIPv4([a]: readonly number[]): boolean {
  return a === 127;
}

/** Loopback, this-network (0/8), RFC 1918 (10/8, 172.16/12, 192.168/16) and link-local (169.254/16). */
function isPrivateIPv4([a = 0, b = 0]: readonly number[]): boolean {
  return (
    a === 127 ||
    a === 0 ||
    a === 10 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 169 && b === 254)
  );
}

/** `::1`. */
function isLoopbackIPv6(groups: readonly number[]): boolean {
  return groups.slice(0, 7).every((group) => group === 0) && groups[7] === 1;
}

/** Loopback `::1`, unspecified `::`, unique local fc00::/7 and link-local fe80::/10. */
function isPrivateIPv6(groups: readonly number[]): boolean {
  const first = groups[0] ?? 0;
  const unspecified = groups.every((group) => group === 0);
  return unspecified || isLoopbackIPv6(groups) || (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80;
}

/**
 * True when `host` is this machine: `localhost` or a name under it (`app.localhost`), an IPv4 address in 127.0.0.0/8,
 * IPv6 `::1`, or an IPv4-mapped IPv6 loopback address (`::ffff:127.0.0.1`). Accepts a bracketed IPv6 host (`[::1]`).
 * A host with a port (`localhost:8080`) is not a host: use {@link isLoopbackUrl} for URLs.
 *
 * @example
 * ```ts
 * isLoopbackHost('127.0.0.1'); // true
 * isLoopbackHost('[::1]'); // true
 * isLoopbackHost('127.0.0.1.example.com'); // false
 * ```
 */
export function isLoopbackHost(host: string): boolean {
  const normalized = normalizeHost(host);
  if (isLocalhostName(normalized)) return true;
  const ipv4 = parseIPv4(normalized);
  if (ipv4) return isLoopbackIPv4(ipv4);
  const ipv6 = parseIPv6(normalized);
  if (!ipv6) return false;
  const mapped = mappedIPv4(ipv6);
  return mapped ? isLoopbackIPv4(mapped) : isLoopbackIPv6(ipv6);
}

/**
 * True when `host` is not reachable from the internet: every {@link isLoopbackHost} host, mDNS names (`*.local`),
 * IPv4 this-network (0.0.0.0/8), RFC 1918 (10/8, 172.16/12, 192.168/16) and link-local (169.254/16) addresses, IPv6
 * `::`, unique local (fc00::/7) and link-local (fe80::/10) addresses, and IPv4-mapped IPv6 forms of the IPv4 ones.
 * Carrier-grade NAT (100.64.0.0/10) and other names count as public. Accepts a bracketed IPv6 host.
 *
 * @example
 * ```ts
 * isPrivateHost('192.168.1.20'); // true
 * isPrivateHost('nas.local'); // true
 * isPrivateHost('s3.eu-west-2.amazonaws.com'); // false
 * ```
 */
export function isPrivateHost(host: string): boolean {
  const normalized = normalizeHost(host);
  if (isLocalhostName(normalized) || normalized.endsWith('.local')) return true;
  const ipv4 = parseIPv4(normalized);
  if (ipv4) return isPrivateIPv4(ipv4);
  const ipv6 = parseIPv6(normalized);
  if (!ipv6) return false;
  const mapped = mappedIPv4(ipv6);
  return mapped ? isPrivateIPv4(mapped) : isPrivateIPv6(ipv6);
}

/** The host of `url` as the WHATWG URL parser gives it (IPv4 normalized, IPv6 bracketed), or undefined. */
function hostOfUrl(url: string): string | undefined {
  try {
    return new URL(url).hostname || undefined;
  } catch {
    return undefined;
  }
}

/**
 * True when `url` parses and its host is loopback ({@link isLoopbackHost}): `http://127.0.0.1:8790`,
 * `http://localhost`, `http://[::1]:8080`. False for anything that does not parse as a URL, or has no host.
 *
 * @example
 * ```ts
 * isLoopbackUrl('http://[::1]:8080/v1'); // true
 * isLoopbackUrl('https://api.maxstudio.ai'); // false
 * isLoopbackUrl('not a url'); // false
 * ```
 */
export function isLoopbackUrl(url: string): boolean {
  const host = hostOfUrl(url);
  return host !== undefined && isLoopbackHost(host);
}

/**
 * True when `url` parses and its host is not reachable from the internet ({@link isPrivateHost}), so URLs made for
 * it cannot be handed to a remote service. False for anything that does not parse as a URL, or has no host.
 *
 * @example
 * ```ts
 * isPrivateUrl('http://10.0.0.5:9000'); // true
 * isPrivateUrl('https://s3.us-east-1.amazonaws.com'); // false
 * ```
 */
export function isPrivateUrl(url: string): boolean {
  const host = hostOfUrl(url);
  return host !== undefined && isPrivateHost(host);
}
