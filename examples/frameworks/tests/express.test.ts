/**
 * Express: Twofold mounted with a prefix, with and without an app-wide `express.json()`, over real
 * HTTP with a software authenticator. One in-memory PGlite for the file.
 */
import assert from 'node:assert/strict';
import { createServer, request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import express from 'express';
import type { Store } from '@twofold/server';
import { handleClientErrors, toNodeListener } from '@twofold/server/node';
import { createPGliteStore } from '@twofold/server/pglite';
import { createExpressApp } from '../express.js';
import { createExampleTwofold } from '../twofold.js';
import { call, listen, LOOPBACK, ORIGIN, oversizedHead, recordingClientAddress, signUp, unique, withServer } from './helpers.js';

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
      assert.ok(
        addresses.seen.length >= 3 && addresses.seen.every((a) => LOOPBACK.test(a ?? '')),
        `addresses seen: ${addresses.seen.join(', ')}`,
      );
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

/**
 * An Express app with a default Twofold mounted at `mountPath`, after whatever `before` adds;
 * `logged` collects what the listener reports through `onError`.
 */
function hostApp(mountPath: string, before: (app: express.Express) => void = () => {}) {
  const logged: string[] = [];
  const app = express();
  before(app);
  app.use(mountPath, toNodeListener(createExampleTwofold({ store, origin: ORIGIN }).handler, { onError: (e) => logged.push(e.message) }));
  return { app, logged };
}

describe('Express, other mounts', () => {
  test('a base path of your own: createTwofold({ http: { basePath: "/auth" } }) mounted at /auth, after express.json()', async () => {
    const twofold = createExampleTwofold({ store, origin: ORIGIN, basePath: '/auth' });
    await withServer(createServer(createExpressApp(twofold, { jsonFirst: true, mountPath: '/auth' })), (url) => signUp(`${url}/auth`));
  });

  test('mounted where the base path cannot be reached: 503 NOT_CONFIGURED, and the log names both fixes', async () => {
    const { app, logged } = hostApp('/auth');
    await withServer(createServer(app), async (url) => {
      const answer = await call(`${url}/auth/passkeys/register/options`, 'POST', { username: unique('x') });
      assert.equal(answer.status, 503);
      assert.equal(answer.json.code, 'NOT_CONFIGURED');
      assert.equal(logged.length, 1);
      assert.match(logged[0]!, /serves \/api\/v1 but is mounted at \/auth/);
      assert.match(logged[0]!, /app\.use\('\/api\/v1'/);
      assert.match(logged[0]!, /basePath: '\/auth'/);
    });
  });

  test('a body parser whose result cannot be rebuilt (urlencoded): 503 NOT_CONFIGURED, and the log says to mount Twofold first', async () => {
    const { app, logged } = hostApp('/api/v1', (a) => a.use(express.urlencoded()));
    await withServer(createServer(app), async (url) => {
      const res = await fetch(`${url}/api/v1/passkeys/register/options`, {
        method: 'POST',
        body: new URLSearchParams({ username: 'x' }),
      });
      assert.equal(res.status, 503);
      assert.equal(((await res.json()) as { code: string }).code, 'NOT_CONFIGURED');
      assert.match(logged[0] ?? '', /Mount Twofold before your body parsers/);
      // Another content type (or a thousand) is the same problem: logged once, nothing kept per variant.
      for (const type of ['application/x-www-form-urlencoded; a=1', 'application/x-www-form-urlencoded; a=2']) {
        const again = await fetch(`${url}/api/v1/passkeys/register/options`, {
          method: 'POST',
          headers: { 'content-type': type },
          body: 'username=x',
        });
        assert.equal(again.status, 503);
      }
      assert.equal(logged.length, 1);
    });
  });
});

/** A request sent with its path exactly as given (`fetch` would resolve dot-segments first). */
function rawGet(url: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('Express, requests the host and Twofold could read differently (review of issue 22)', () => {
  test('a host guard on a Twofold route cannot be skipped with dot-segments or needless escapes: 400 INVALID_REQUEST', async () => {
    const { app } = hostApp('/api/v1', (a) => a.use('/api/v1/users', (_req, res) => void res.status(403).send('blocked by the host')));
    await withServer(createServer(app), async (url) => {
      assert.equal((await rawGet(url, '/api/v1/users')).status, 403);
      for (const path of ['/api/v1/x/../users', '/api/v1/x/%2e%2e/users', '/api/v1/%75sers', '/api/v1/./users']) {
        const answer = await rawGet(url, path);
        assert.equal(answer.status, 400, `${path}: ${answer.body}`);
        assert.equal(JSON.parse(answer.body).code, 'INVALID_REQUEST', path);
      }
      // Escapes that are needed still reach the handler (here: its 404 for a path it has not).
      const escaped = await rawGet(url, '/api/v1/caf%C3%A9');
      assert.equal(escaped.status, 404);
      assert.equal(JSON.parse(escaped.body).code, 'NOT_FOUND');
    });
  });

  test('a JSON string parsed by express.json({ strict: false }) goes on as a JSON string, not as the object it spells', async () => {
    const { app } = hostApp('/api/v1', (a) => a.use(express.json({ strict: false })));
    await withServer(createServer(app), async (url) => {
      const answer = await call(
        `${url}/api/v1/passkeys/register/options`,
        'POST',
        JSON.stringify(JSON.stringify({ username: unique('x') })),
      );
      assert.equal(answer.status, 400);
      assert.equal(answer.json.code, 'INVALID_REQUEST');
    });
  });

  test('the mount path in another case (Express matches it anyway) is not Twofold’s: the host answers, nothing is logged', async () => {
    const { app, logged } = hostApp('/api/v1');
    await withServer(createServer(app), async (url) => {
      for (const path of ['/API/V1/users', '/Api/v1/users']) assert.equal((await rawGet(url, path)).status, 404, path);
      assert.deepEqual(logged, []);
    });
  });
});
