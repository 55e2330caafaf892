/**
 * Express: Twofold mounted with a prefix, with and without an app-wide `express.json()`, over real
 * HTTP with a software authenticator. One in-memory PGlite for the file.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import express from 'express';
import type { Store } from '@twofold/server';
import { handleClientErrors, toNodeListener } from '@twofold/server/node';
import { createPGliteStore } from '@twofold/server/pglite';
import { createExpressApp } from '../express.js';
import { createExampleTwofold } from '../twofold.js';
import { call, listen, LOOPBACK, ORIGIN, oversizedHead, recordingClientAddress, signUp, unique } from './helpers.js';

let store: Store & { close(): Promise<void> };
before(async () => {
  store = await createPGliteStore();
});
after(() => store.close());

for (const jsonFirst of [false, true]) {
  describe(`Express, Twofold at /api/v1, ${jsonFirst ? 'after' : 'without'} express.json()`, () => {
    const addresses = recordingClientAddress();
    let server: Awaited<ReturnType<typeof listen>>;
    before(async () => {
      const twofold = createExampleTwofold({ store, origin: ORIGIN, clientAddress: addresses.source });
      server = await listen(handleClientErrors(createServer(createExpressApp(twofold, { jsonFirst }))));
    });
    after(() => server.close());

    test('a passkey sign-up: options, verification, then a session call; the socket address reaches the rate limits', async () => {
      const { userId, me } = await signUp(`${server.url}/api/v1`);
      assert.equal(me.userId, userId);
      assert.ok(addresses.seen.length >= 3 && addresses.seen.every((a) => LOOPBACK.test(a ?? '')), `addresses seen: ${addresses.seen.join(', ')}`);
    });

    test('the rest of the app is still Express; an unknown API path is Twofold’s problem+json 404', async () => {
      assert.equal((await call(`${server.url}/`, 'GET')).json, 'Your app, with Twofold under /api/v1');
      const missing = await call(`${server.url}/api/v1/nope`, 'GET');
      assert.equal(missing.status, 404);
      assert.equal(missing.contentType, 'application/problem+json');
      assert.equal(missing.json.code, 'NOT_FOUND');
    });

    test('the server answers a request head over 16 KiB with 431 problem+json (handleClientErrors)', async () => {
      const answer = await oversizedHead(Number(new URL(server.url).port));
      assert.match(answer.statusLine, /^HTTP\/1\.1 431 /);
      assert.equal(answer.json.code, 'HEADERS_TOO_LARGE');
    });

    test('the handler’s limits and errors hold for a rebuilt body: over 64 KiB is 413 BODY_TOO_LARGE, a schema error is 400', async () => {
      const big = await call(`${server.url}/api/v1/passkeys/register/options`, 'POST', { username: 'x', pad: 'a'.repeat(70 * 1024) });
      assert.equal(big.status, 413);
      assert.equal(big.json.code, 'BODY_TOO_LARGE');
      const invalid = await call(`${server.url}/api/v1/passkeys/register/options`, 'POST', { username: 42 });
      assert.equal(invalid.status, 400);
      assert.equal(invalid.json.code, 'INVALID_REQUEST');
      assert.match(invalid.json.detail, /^username: .*string/); // the body as sent, not "username: required" of an empty one
    });
  });
}

describe('Express, other mounts', () => {
  test('a base path of your own: createTwofold({ http: { basePath: "/auth" } }) mounted at /auth, after express.json()', async () => {
    const twofold = createExampleTwofold({ store, origin: ORIGIN, basePath: '/auth' });
    const server = await listen(createServer(createExpressApp(twofold, { jsonFirst: true, mountPath: '/auth' })));
    try {
      await signUp(`${server.url}/auth`);
    } finally {
      await server.close();
    }
  });

  test('mounted where the base path cannot be reached: 503 NOT_CONFIGURED, and the log names both fixes', async () => {
    const twofold = createExampleTwofold({ store, origin: ORIGIN });
    const logged: string[] = [];
    const app = express();
    app.use('/auth', toNodeListener(twofold.handler, { onError: (e) => logged.push(e.message) }));
    const server = await listen(createServer(app));
    try {
      const answer = await call(`${server.url}/auth/passkeys/register/options`, 'POST', { username: unique('x') });
      assert.equal(answer.status, 503);
      assert.equal(answer.json.code, 'NOT_CONFIGURED');
      assert.equal(logged.length, 1);
      assert.match(logged[0]!, /serves \/api\/v1 but is mounted at \/auth/);
      assert.match(logged[0]!, /app\.use\('\/api\/v1'/);
      assert.match(logged[0]!, /basePath: '\/auth'/);
    } finally {
      await server.close();
    }
  });

  test('a body parser whose result cannot be rebuilt (urlencoded): 503 NOT_CONFIGURED, and the log says to mount Twofold first', async () => {
    const twofold = createExampleTwofold({ store, origin: ORIGIN });
    const logged: string[] = [];
    const app = express();
    app.use(express.urlencoded());
    app.use('/api/v1', toNodeListener(twofold.handler, { onError: (e) => logged.push(e.message) }));
    const server = await listen(createServer(app));
    try {
      const res = await fetch(`${server.url}/api/v1/passkeys/register/options`, { method: 'POST', body: new URLSearchParams({ username: 'x' }) });
      assert.equal(res.status, 503);
      assert.equal(((await res.json()) as { code: string }).code, 'NOT_CONFIGURED');
      assert.match(logged[0] ?? '', /Mount Twofold before your body parsers/);
    } finally {
      await server.close();
    }
  });
});
