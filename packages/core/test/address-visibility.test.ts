import { isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLoopbackHost, isLoopbackUrl, isPrivateHost, isPrivateUrl } from '../src/net/index.js';

/** [host, loopback, private]: every loopback host is private too. */
const hosts: Array<[host: string, loopback: boolean, isPrivate: boolean]> = [
  // names
  ['localhost', true, true],
  ['LOCALHOST', true, true],
  ['localhost.', true, true],
  ['app.localhost', true, true],
  ['a.b.localhost', true, true],
  ['localhost.example.com', false, false],
  ['mylocalhost', false, false],
  ['nas.local', false, true],
  ['printer.office.local', false, true],
  ['local', false, false],
  ['notlocal', false, false],
  ['api.maxstudio.ai', false, false],
  ['s3.eu-west-2.amazonaws.com', false, false],
  ['127.0.0.1.example.com', false, false],
  ['', false, false],
  // IPv4 loopback 127/8
  ['127.0.0.1', true, true],
  ['127.4.5.6', true, true],
  ['127.255.255.255', true, true],
  // IPv4 private, link-local, this-network
  ['10.0.0.5', false, true],
  ['10.255.255.255', false, true],
  ['172.16.0.1', false, true],
  ['172.31.255.255', false, true],
  ['172.15.0.1', false, false],
  ['172.32.0.1', false, false],
  ['192.168.1.20', false, true],
  ['192.169.0.1', false, false],
  ['169.254.169.254', false, true],
  ['169.253.0.1', false, false],
  ['0.0.0.0', false, true],
  // IPv4 public (carrier-grade NAT counts as public, as storage-s3 always did)
  ['8.8.8.8', false, false],
  ['11.0.0.1', false, false],
  ['100.64.0.1', false, false],
  ['128.0.0.1', false, false],
  // not IPv4
  ['127.0.0.256', false, false],
  ['127.0.0', false, false],
  ['127.0.0.1.5', false, false],
  // IPv6 loopback and unspecified
  ['::1', true, true],
  ['[::1]', true, true],
  ['0:0:0:0:0:0:0:1', true, true],
  ['::', false, true],
  ['::2', false, false],
  // IPv6 unique local fc00::/7
  ['fc00::1', false, true],
  ['fd12:3456:789a::1', false, true],
  ['[fd00::1]', false, true],
  ['fe00::1', false, false],
  ['fc::1', false, false],
  // IPv6 link-local fe80::/10
  ['fe80::1', false, true],
  ['fe80::1%eth0', false, true],
  ['febf::1', false, true],
  ['fec0::1', false, false],
  // IPv6 public
  ['2001:db8::1', false, false],
  ['2606:4700:4700::1111', false, false],
  // IPv4-mapped IPv6
  ['::ffff:127.0.0.1', true, true],
  ['[::ffff:7f00:1]', true, true],
  ['::ffff:10.1.2.3', false, true],
  ['::ffff:192.168.0.1', false, true],
  ['::ffff:8.8.8.8', false, false],
  ['::ffff:808:808', false, false],
  // not IPv6
  ['1:2:3:4:5:6:7:8:9', false, false],
  ['1::2::3', false, false],
  ['::1::', false, false],
  ['fc00:::1', false, false],
  ['12345::1', false, false],
  ['::ffff:127.0.0.256', false, false],
];

/** [url, loopback, private]. */
const urls: Array<[url: string, loopback: boolean, isPrivate: boolean]> = [
  ['http://127.0.0.1:8790', true, true],
  ['http://127.4.5.6/', true, true],
  ['http://127.1/', true, true],
  ['http://localhost:1', true, true],
  ['http://LocalHost/path', true, true],
  ['http://app.localhost:3000', true, true],
  ['http://[::1]:8080', true, true],
  ['http://[::ffff:127.0.0.1]/', true, true],
  ['http://[::ffff:10.0.0.1]/', false, true],
  ['http://[fe80::1]:9000', false, true],
  ['http://[fd00::5]', false, true],
  ['http://10.0.0.5:9000', false, true],
  ['http://minio.local:9000', false, true],
  ['http://169.254.169.254/latest', false, true],
  ['https://api.maxstudio.ai', false, false],
  ['https://s3.us-east-1.amazonaws.com', false, false],
  ['http://127.0.0.1.example.com', false, false],
  ['http://[2001:db8::1]/', false, false],
  ['not a url', false, false],
  ['', false, false],
  ['localhost:9000', false, false],
  ['file:///tmp/x', false, false],
];

describe('isLoopbackHost and isPrivateHost', () => {
  it.each(hosts)('%j: loopback %s, private %s', (host, loopback, isPrivate) => {
    expect(isLoopbackHost(host)).toBe(loopback);
    expect(isPrivateHost(host)).toBe(isPrivate);
  });

  it('every loopback host is private', () => {
    for (const [host] of hosts) if (isLoopbackHost(host)) expect(isPrivateHost(host), host).toBe(true);
  });

  it('never classify something shaped like an address that node:net rejects', () => {
    const addressLike = hosts
      .map(([host]) => host.replace(/^\[|\]$/g, '').replace(/%.*$/, ''))
      .filter((host) => /^[\d.]+$|:/.test(host));
    const invalid = addressLike.filter((host) => isIP(host) === 0);
    expect(invalid.length).toBeGreaterThan(5);
    for (const host of invalid) {
      expect(isLoopbackHost(host), host).toBe(false);
      expect(isPrivateHost(host), host).toBe(false);
    }
  });
});

describe('isLoopbackUrl and isPrivateUrl', () => {
  it.each(urls)('%j: loopback %s, private %s', (url, loopback, isPrivate) => {
    expect(isLoopbackUrl(url)).toBe(loopback);
    expect(isPrivateUrl(url)).toBe(isPrivate);
  });
});

describe('address forms agree', () => {
  it('an IPv4 address, its IPv4-mapped IPv6 forms and its URL are classified alike', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        const loopback = isLoopbackHost(ip);
        const isPrivate = isPrivateHost(ip);
        expect(loopback).toBe(ip.startsWith('127.'));
        // the URL parser rewrites [::ffff:a.b.c.d] as [::ffff:xxxx:xxxx]
        for (const url of [`http://${ip}/`, `http://[::ffff:${ip}]/`]) {
          expect(isLoopbackUrl(url)).toBe(loopback);
          expect(isPrivateUrl(url)).toBe(isPrivate);
        }
        expect(isPrivateHost(`::ffff:${ip}`)).toBe(isPrivate);
      }),
    );
  });

  it('an IPv6 address is classified alike as written and as the URL parser canonicalizes it', () => {
    fc.assert(
      fc.property(fc.ipV6(), (ip) => {
        const url = `http://[${ip}]/`;
        expect(isLoopbackUrl(url)).toBe(isLoopbackHost(ip));
        expect(isPrivateUrl(url)).toBe(isPrivateHost(ip));
      }),
      { numRuns: 500 },
    );
  });
});
