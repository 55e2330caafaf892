/**
 * Next.js App Router, without Next: the route module `app/api/twofold/[...path]/route.ts` is
 * imported and its exported functions are called with real `Request`s, as Next calls a route
 * handler (Next itself is not installed: it is large, and a route handler is only this contract).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ORIGIN, signUp } from './helpers.js';

process.env.TWOFOLD_ORIGIN = ORIGIN;
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';
type Route = Record<Method, (req: Request) => Promise<Response>> & { runtime: string; dynamic: string };
let route: Route;
before(async () => {
  route = (await import('../app/api/twofold/[...path]/route.js')) as unknown as Route;
});
after(async () => {
  const { closeTwofold } = await import('../app/_lib/twofold.js');
  await closeTwofold();
});

/** What Next does: pick the module's export named after the request's method. */
const next = (req: Request) => route[req.method as Method](req);

test('the route module exports every method, on the Node runtime, never cached', () => {
  for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const)
    assert.equal(typeof route[method], 'function');
  assert.equal(route.runtime, 'nodejs');
  assert.equal(route.dynamic, 'force-dynamic');
});

test('a passkey sign-up through POST and GET of the route module, base path /api/twofold', async () => {
  const { userId, me } = await signUp('http://localhost:3000/api/twofold', undefined, (req) =>
    next(new Request(req, { headers: withForwardedFor(req.headers) })),
  );
  assert.equal(me.userId, userId);
  const missing = await next(new Request('http://localhost:3000/api/twofold/nope'));
  assert.equal(missing.status, 404);
  assert.equal(missing.headers.get('content-type'), 'application/problem+json');
});

const withForwardedFor = (headers: Headers) => {
  const h = new Headers(headers);
  h.set('x-forwarded-for', '203.0.113.7');
  return h;
};
