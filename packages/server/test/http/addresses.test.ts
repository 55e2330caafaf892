import { clientAddress, serve } from '@twofold/server/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressKey, forwardedClientAddress } from '../../src/http/address.js';
import { createPGliteStore } from '../../src/storage/pglite.js';
import type { Store } from '../../src/store.js';
import { createTwofold } from '../../src/twofold.js';
import { createTestApp, signUp } from '../helpers/app.js';

// Issue 13 item 5: per-address limits must not fail open.

let store: Store;
beforeAll(async () => {
  store = await createPGliteStore();
});
afterAll(() => store.close());

const rp = { id: 'localhost', origins: ['http://localhost:5173'] };

describe('a handler always knows where a request came from, or was told explicitly not to', () => {
  it('building a handler without an address source throws; "none" is the written opt-out', () => {
    const twofold = createTwofold({ store, rp });
    expect(() => twofold.handler).toThrow(/clientAddress is required/);
    expect(typeof createTwofold({ store, rp, http: { clientAddress: 'none' } }).handler).toBe('function');
    // The domain functions need no handler.
    expect(typeof twofold.users.create).toBe('function');
  });

  it('the Node adapter limits by the socket address', async () => {
    const twofold = createTwofold({ store, rp, ceremoniesPerAddress: { points: 2, durationSeconds: 60 }, http: { clientAddress } });
    const server = await serve({ handler: twofold.handler, port: 0, hostname: '127.0.0.1' });
    try {
      const post = () =>
        fetch(`http://127.0.0.1:${server.port}/api/v1/passkeys/authenticate/options`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
      expect((await post()).status).toBe(200);
      expect((await post()).status).toBe(200);
      expect((await post()).status).toBe(429);
    } finally {
      await server.close();
    }
  });

  it('a request the source has no address for is limited in one shared bucket, not let through', async () => {
    const app = createTestApp(store, {
      ceremoniesPerAddress: { points: 2, durationSeconds: 60 },
      http: { clientAddress: () => undefined },
    });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await app.call('POST', '/passkeys/authenticate/options', {})).status);
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('IPv6 clients are limited by their /64; IPv4-mapped addresses count as IPv4', async () => {
    let address = '';
    const app = createTestApp(store, { ceremoniesPerAddress: { points: 2, durationSeconds: 60 }, http: { clientAddress: () => address } });
    const start = async (a: string) => {
      address = a;
      return (await app.call('POST', '/passkeys/authenticate/options', {})).status;
    };
    expect(await start('2001:db8:aa:1::1')).toBe(200);
    expect(await start('2001:db8:aa:1:ffff:ffff:ffff:fffe')).toBe(200);
    expect(await start('2001:db8:aa:1::2')).toBe(429); // same /64, another /128
    expect(await start('2001:db8:aa:2::1')).toBe(200); // another /64
    expect(await start('198.51.100.40')).toBe(200);
    expect(await start('::ffff:198.51.100.40')).toBe(200);
    expect(await start('198.51.100.40')).toBe(429);
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('not an address')).toBe('unknown');
  });

  it('behind trusted proxies the address is the hops-th entry from the right of X-Forwarded-For', () => {
    const req = (xff?: string) => new Request('http://x/', { headers: xff ? { 'x-forwarded-for': xff } : {} });
    const one = forwardedClientAddress({ hops: 1, fallback: () => '10.0.0.1' });
    expect(one(req('6.6.6.6, 203.0.113.5'))).toBe('203.0.113.5'); // the client wrote 6.6.6.6 itself
    expect(one(req())).toBe('10.0.0.1'); // did not come through the proxy: the socket
    expect(forwardedClientAddress({ hops: 2 })(req('6.6.6.6, 203.0.113.5, 10.0.0.2'))).toBe('203.0.113.5');
    expect(() => forwardedClientAddress({ hops: 0 })).toThrow();
  });
});

describe('a session is no way around the ceremony limits', () => {
  it('ceremony starts with a session are limited per user', async () => {
    const app = createTestApp(store, { ceremoniesPerUser: { points: 2, durationSeconds: 60 } });
    const [a, b] = [await signUp(app), await signUp(app)];
    const start = (token: string) => app.call('POST', '/passkeys/register/options', {}, { token });
    expect((await start(a.token)).status).toBe(200);
    expect((await start(a.token)).status).toBe(200);
    const refused = await start(a.token);
    expect(refused.status).toBe(429);
    expect(refused.json.code).toBe('RATE_LIMITED');
    expect((await app.call('POST', '/face/challenge', { userId: a.userId, purpose: 'verify' }, { token: a.token })).status).toBe(429);
    expect((await start(b.token)).status).toBe(200); // another user is unaffected
  });
});
