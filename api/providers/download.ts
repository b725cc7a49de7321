/**
 * Output URLs are requests the upstream chooses (SSRF): a compromised or misbehaving service could
 * point us at the metadata endpoint, an admin port on loopback or a host on the private network.
 * A download goes out only to the base URL's own origin (where the prompt already goes: the
 * operator chose it) or, over https, to a host the adapter or the operator listed, and then only
 * to public addresses: checked on the address the socket connects to, after DNS, so a name that
 * resolves (or rebinds) to 127.0.0.1 is refused too. Redirects are followed by hand, each hop
 * checked the same way.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { Readable } from 'node:stream';
import type { UpstreamCall } from './http.js';
import { UpstreamError } from './types.js';

const MAX_REDIRECTS = 3;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Statuses whose Response may not have a body. */
const NULL_BODY = new Set([204, 205, 304]);

/** Where one adapter may download outputs from. */
export interface DownloadRules {
  /** The configured base URL's origin: any address, the operator chose it. */
  readonly trustedOrigin: string;
  /** Exact names or `*.example.com` (subdomains only), lower case: https and public addresses only. */
  readonly hosts: readonly string[];
}

/** A host-list entry as PROVIDER_DOWNLOAD_HOSTS accepts it. */
export const DOWNLOAD_HOST_PATTERN = /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;

export function downloadRules(baseUrl: string, adapterHosts: readonly string[], operatorHosts: readonly string[] = []): DownloadRules {
  return { trustedOrigin: new URL(baseUrl).origin, hosts: [...adapterHosts, ...operatorHosts].map((host) => host.toLowerCase()) };
}

/**
 * GETs `url` under `rules`, following at most MAX_REDIRECTS redirects that stay within them. No
 * credentials or cookies go with it. A refused URL is 'bad_output' whose detail never holds the
 * URL (it is upstream text and may carry the prompt).
 */
export async function fetchOutput(call: UpstreamCall, url: URL, rules: DownloadRules): Promise<Response> {
  let current = url;
  for (let hop = 0; ; hop += 1) {
    const res = await get(call, current, requiresPublicAddress(current, rules));
    if (!REDIRECTS.has(res.status)) return res;
    await res.body?.cancel().catch(() => undefined);
    const location = res.headers.get('location');
    if (hop >= MAX_REDIRECTS || !location) throw refused('too many or empty redirects');
    try {
      current = new URL(location, current);
    } catch {
      throw refused('redirect to something that is not a URL');
    }
  }
}

/** Throws unless `url` may be fetched; true when it may only reach public addresses. */
function requiresPublicAddress(url: URL, rules: DownloadRules): boolean {
  if (url.username || url.password) throw refused('credentials in the URL');
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw refused('not http(s)');
  if (url.origin === rules.trustedOrigin) return false;
  if (url.protocol !== 'https:') throw refused('plain http off the base URL');
  const host = url.hostname.toLowerCase();
  if (!rules.hosts.some((allowed) => (allowed.startsWith('*.') ? host.endsWith(allowed.slice(1)) : host === allowed))) {
    throw refused('host not allowed');
  }
  // A literal address connects without a lookup, so it is checked here.
  const literal = host.replace(/^\[|\]$/g, '');
  if (isIP(literal) && !isPublicAddress(literal)) throw refused('address not public');
  return true;
}

function get(call: UpstreamCall, url: URL, publicOnly: boolean): Promise<Response> {
  call.throwIfAborted();
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<Response>((resolve, reject) => {
    const req = client.get(url, { agent: false, signal: call.signal, ...(publicOnly ? { lookup: publicLookup } : {}) }, (incoming) => {
      const headers = new Headers();
      for (let i = 0; i + 1 < incoming.rawHeaders.length; i += 2) headers.append(incoming.rawHeaders[i]!, incoming.rawHeaders[i + 1]!);
      const status = incoming.statusCode ?? 502;
      const body = NULL_BODY.has(status) ? null : (Readable.toWeb(incoming) as ReadableStream<Uint8Array>);
      if (!body) incoming.resume();
      resolve(new Response(body, { status, headers }));
    });
    req.once('error', (err) => reject(call.failure(err)));
  });
}

/** dns.lookup that fails unless every address the name resolves to is public. */
const publicLookup = ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err);
    if (addresses.length === 0 || !addresses.every((a) => isPublicAddress(a.address))) return callback(refused('address not public'));
    if (options.all) return callback(null, addresses);
    return callback(null, addresses[0]!.address, addresses[0]!.family);
  });
}) as unknown as LookupFunction;

/** Loopback, private, link-local (cloud metadata: 169.254.169.254, fd00:ec2::254), shared, reserved, multicast. */
const NOT_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15],
  ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) NOT_PUBLIC.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128], ['::1', 128], ['64:ff9b:1::', 48], ['100::', 64], ['2001::', 23], ['2001:db8::', 32], ['2002::', 16],
  ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const) NOT_PUBLIC.addSubnet(net, prefix, 'ipv6');

export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !NOT_PUBLIC.check(address, 'ipv4');
  if (family !== 6) return false;
  // BlockList matches IPv4-mapped addresses (::ffff:a.b.c.d) against the IPv4 rules by itself;
  // NAT64 (64:ff9b::/96) carries an IPv4 address the same way.
  const nat64 = /^64:ff9b::(?:ffff:)?(.+)$/i.exec(address)?.[1];
  if (nat64 !== undefined) return isPublicAddress(nat64.includes('.') ? nat64 : hexToIpv4(nat64));
  return !NOT_PUBLIC.check(address, 'ipv6');
}

/** `7f00:1` → `127.0.0.1`; anything unreadable → an address that is not public. */
function hexToIpv4(tail: string): string {
  const groups = tail.split(':');
  if (groups.length > 2 || !groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return '0.0.0.0';
  const value = groups.reduce((acc, g) => acc * 0x10000 + parseInt(g, 16), 0);
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

function refused(why: string): UpstreamError {
  return new UpstreamError('bad_output', `output URL refused: ${why}`);
}
