/**
 * Fastify, Koa, node:http and Hono: each recipe app on a real server on an ephemeral port, a full
 * passkey sign-up over HTTP, the socket address reaching the rate limits, the app's own routes
 * untouched. One in-memory PGlite for the file.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { Store } from '@twofold/server';
import { toNodeListener } from '@twofold/server/node';
import { createPGliteStore } from '@twofold/server/pglite';
import { createFastifyApp } from '../fastify.js';
import { createHonoApp } from '../hono.js';
import { createKoaApp } from '../koa.js';
import { createNodeServer } from '../node-http.js';
import { createExampleTwofold } from '../twofold.js';
import { call, listen, LOOPBACK, ORIGIN, oversizedHead, recordingClientAddress, signUp, withServer } from './helpers.js';

let store: Store & { close(): Promise<void> };
before(async () => {
  store = await createPGliteStore();
});
after(() => store.close());

/** A fresh Twofold instance on the shared store, recording the client addresses it is given. */
function twofoldWithAddresses() {
  const addresses = recordingClientAddress();
  return { twofold: createExampleTwofold({ store, origin: ORIGIN, clientAddress: addresses.source }), addresses };
}

const assertLoopback = (seen: (string | undefined)[]) =>
  assert.ok(seen.length >= 3 && seen.every((a) => LOOPBACK.test(a ?? '')), `addresses seen: ${seen.join(', ')}`);

/** What every recipe must do: a passkey sign-up at /api/v1 that sees the socket address, and the app's own `/` untouched. */
async function assertRecipe(url: string, addresses: ReturnType<typeof recordingClientAddress>) {
  await signUp(`${url}/api/v1`);
  assertLoopback(addresses.seen);
  assert.equal((await call(`${url}/`, 'GET')).json, 'Your app, with Twofold under /api/v1');
}

describe('Fastify', () => {
  test('sign-up through the plugin at /api/v1; the app’s own JSON route still parses JSON', async () => {
    const { twofold, addresses } = twofoldWithAddresses();
    const app = await createFastifyApp(twofold);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    try {
      await assertRecipe(url, addresses);
      assert.deepEqual((await call(`${url}/echo`, 'POST', { a: 1 })).json, { a: 1 });
      assert.equal((await call(`${url}/api/v1/nope`, 'GET')).json.code, 'NOT_FOUND');
      const tooLarge = await oversizedHead(Number(new URL(url).port)); // clientErrorHandler: clientErrorListener
      assert.match(tooLarge.statusLine, /^HTTP\/1\.1 431 /);
      assert.equal(tooLarge.json.code, 'HEADERS_TOO_LARGE');
    } finally {
      await app.close();
    }
  });

  test('registered under a prefix that cannot reach the base path: ready() fails naming both fixes', async () => {
    const { default: Fastify } = await import('fastify');
    const { toFastifyPlugin } = await import('@twofold/server/node');
    const app = Fastify();
    app.register(toFastifyPlugin(createExampleTwofold({ store, origin: ORIGIN }).handler), { prefix: '/auth' });
    await assert.rejects(
      async () => void (await app.ready()),
      /serves \/api\/v1 but is mounted at \/auth.*prefix: '\/api\/v1'.*basePath: '\/auth'/s,
    );
    await app.close();
  });
});

describe('Koa', () => {
  test('sign-up through the middleware, after an app-wide @koa/bodyparser', async () => {
    const { twofold, addresses } = twofoldWithAddresses();
    await withServer(createServer(createKoaApp(twofold).callback()), (url) => assertRecipe(url, addresses));
  });
});

describe('node:http', () => {
  let server: Awaited<ReturnType<typeof listen>>;
  let addresses: ReturnType<typeof recordingClientAddress>;
  before(async () => {
    const made = twofoldWithAddresses();
    addresses = made.addresses;
    server = await listen(createNodeServer(made.twofold));
  });
  after(() => server.close());

  test('sign-up through toNodeListener', async () => {
    await assertRecipe(server.url, addresses);
  });

  test('a request head over 16 KiB: 431 problem+json HEADERS_TOO_LARGE, on a raw socket', async () => {
    const answer = await oversizedHead(Number(new URL(server.url).port));
    assert.match(answer.statusLine, /^HTTP\/1\.1 431 /);
    assert.match(answer.head, /content-type: application\/problem\+json/);
    assert.equal(answer.json.code, 'HEADERS_TOO_LARGE');
  });
});

describe('Hono', () => {
  test('sign-up through app.mount(…, { replaceRequest: false }), served by toNodeListener', async () => {
    const { twofold, addresses } = twofoldWithAddresses();
    await withServer(createServer(toNodeListener(createHonoApp(twofold).fetch)), (url) => assertRecipe(url, addresses));
  });
});
