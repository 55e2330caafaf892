import ipaddr from 'ipaddr.js';

/** Where a request's client address comes from (see `HandlerOptions.clientAddress`). */
export type ClientAddressSource = (req: Request) => string | undefined;

/** The bucket every request whose address is unknown or unparseable shares (fail closed). */
const UNKNOWN_ADDRESS = 'unknown';

/**
 * The key a client address is rate-limited under: an IPv4 address as is (an IPv4-mapped IPv6
 * address counts as its IPv4 address), an IPv6 address by its /64 — one subscriber usually gets
 * a whole /64, so counting /128s would hand every client 2^64 budgets. Anything unparseable shares
 * {@link UNKNOWN_ADDRESS}, so a source that fails never turns the limits off.
 */
export function addressKey(address: string | undefined): string {
  if (!address) return UNKNOWN_ADDRESS;
  // A zone index (fe80::1%eth0) names the interface, not the client.
  const bare = address.replace(/%[^%]*$/, '');
  if (!ipaddr.isValid(bare)) return UNKNOWN_ADDRESS;
  const parsed = ipaddr.process(bare);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16));
  return `${parts.join(':')}::/64`;
}

export interface ForwardedClientAddressOptions {
  /**
   * How many reverse proxies you run in front of the server (at least 1). The client address is
   * the `hops`-th entry from the right of `X-Forwarded-For`: each of your proxies appends the
   * address it saw, so entries further left were written by the client and are not trusted.
   */
  hops: number;
  /** Used when the header has fewer entries (the request did not come through every proxy): the socket's address. */
  fallback?: ClientAddressSource;
}

/**
 * A client-address source for a server behind trusted reverse proxies (the explicit trusted-proxy
 * setting): reads `X-Forwarded-For` as written by your own proxies. Never use it without a proxy
 * that sets the header, or clients choose their own addresses.
 *
 * @example
 * import { clientAddress } from '@twofold/server/node';
 * createTwofold({ ..., http: { clientAddress: forwardedClientAddress({ hops: 1, fallback: clientAddress }) } });
 */
export function forwardedClientAddress(options: ForwardedClientAddressOptions): ClientAddressSource {
  const { hops, fallback } = options;
  if (!Number.isInteger(hops) || !(hops >= 1)) throw new TypeError('forwardedClientAddress: hops must be an integer ≥ 1');
  return (req) => {
    const entries = (req.headers.get('x-forwarded-for') ?? '')
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e !== '');
    if (entries.length < hops) return fallback?.(req);
    return entries[entries.length - hops];
  };
}
