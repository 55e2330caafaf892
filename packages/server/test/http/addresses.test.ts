import { clientAddress, serve } from '@twofold/server/node';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beginCeremony } from '../../src/ceremonies/ceremonies.js';
import { TwofoldError } from '../../src/errors.js';
import { addressKey, forwardedClientAddress } from '../../src/http/address.js';
import { createRouteKit } from '../../src/http/middleware.js';
import { problemResponse } from '../../src/http/problem.js';
import type { TwofoldEnv } from '../../src/routing.js';
import { createPGliteStore } from '../../src/storage/pglite.js';
import type { Store } from '../../src/storage/store.js';
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
      const post = () => fetch(`http://127.0.0.1:${server.port}/api/v1/passkeys/authenticate/options`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect((await post()).status).toBe(200);
      expect((await post()).status).toBe(200);
      expect((await post()).status).toBe(429);
    } finally {
      await server.close();
    }
  });

  it('a request the source has no address for is limited in one shared bucket, not let through', async () => {
    const app = createTestApp(store, { ceremoniesPerAddress: { points: 2, durationSeconds: 60 }, http: { clientAddress: () => undefined } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await app.call('POST', '/passkeys/authenticate/options', {})).status);
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('IPv6 clients are limited by their /64; IPv4-mapped addresses count as IPv4', async () => {
    let address = '';
    const app = createTestApp(store, { ceremoniesPerAddress: { points: 2, durationSeconds: 60 }, http: { clientAddress: () => address } });
    const start = async (a: string) => ((address = a), (await app.call('POST', '/passkeys/authenticate/options', {})).status);
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

describe('requireCeremony: a large body is not read without a live challenge', () => {
  it('refuses before reading the body, and lets a live challenge through', async () => {
    const twofold = createTwofold({ store, rp, http: { clientAddress: 'none' } });
    const kit = createRouteKit(twofold.context);
    const app = new Hono<TwofoldEnv>()
      .use(async (c, next) => (c.set('bodyLimit', 1 << 20), next()))
      .post('/evidence/:challengeId', kit.requireCeremony('face', (c) => c.req.param('challengeId')), async (c) => c.json({ read: (await c.req.text()).length }))
      .onError((e) => (e instanceof TwofoldError ? problemResponse(e.code, e.message) : problemResponse('INTERNAL', String(e))));
    let pulled = 0;
    const body = () =>
      new ReadableStream<Uint8Array>({
        pull(controller) {
          if (pulled++ < 100) controller.enqueue(new Uint8Array(4096));
          else controller.close();
        },
      });
    const post = (id: string) => app.request(`/evidence/${id}`, { method: 'POST', body: body(), duplex: 'half' } as RequestInit);

    const unknown = await post('nope');
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).code).toBe('CHALLENGE_NOT_FOUND');
    expect(pulled).toBeLessThanOrEqual(1); // a stream may prefetch one chunk; nothing was read
    const other = await beginCeremony(twofold.context, { kind: 'authentication', challenge: 'c', userId: null });
    expect((await (await post(other.id)).json()).code).toBe('CEREMONY_MISMATCH');
    const expired = await beginCeremony(twofold.context, { kind: 'face', challenge: 'c', userId: null, ttlSeconds: -1 });
    expect((await (await post(expired.id)).json()).code).toBe('CHALLENGE_EXPIRED');

    const live = await beginCeremony(twofold.context, { kind: 'face', challenge: 'c', userId: null });
    pulled = 0;
    const ok = await post(live.id);
    expect(ok.status).toBe(200);
    expect((await ok.json()).read).toBe(100 * 4096);
    expect(await store.getCeremony(live.id)).not.toBeNull(); // looked at, not consumed
  });
});
