import { isIPv4, isIPv6 } from 'node:net';
import type { Request } from '@hapi/hapi';

/**
 * The address rate limits count by. Behind `trustedProxies` proxies it is the X-Forwarded-For
 * entry the outermost trusted proxy appended (the client writes the entries left of it, so the
 * first entry proves nothing). Without trusted proxies the header is ignored. IPv6 clients
 * usually own a whole /64, so they are counted per /64.
 */
export function clientAddress(request: Request, trustedProxies: number): string {
  let address = request.info.remoteAddress;
  if (trustedProxies > 0) {
    const entries = headerText(request, 'x-forwarded-for')
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    const candidate = entries[entries.length - trustedProxies];
    if (candidate && (isIPv4(candidate) || isIPv6(candidate))) address = candidate;
  }
  return groupAddress(address);
}

/** A request header as one string (repeated headers joined), '' when absent. */
export function headerText(request: Request, name: string): string {
  const value: unknown = request.headers[name];
  return Array.isArray(value) ? value.join(',') : typeof value === 'string' ? value : '';
}

export function groupAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address;
  return `${expandIPv6(address).slice(0, 4).join(':')}::/64`;
}

function expandIPv6(address: string): string[] {
  const [head = '', tail = ''] = address.split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') && tail ? tail.split(':') : [];
  const zeros = Array(8 - left.length - right.length).fill('0');
  return [...left, ...(address.includes('::') ? zeros : []), ...right].map((group) => group.toLowerCase().replace(/^0+(?=.)/, ''));
}
