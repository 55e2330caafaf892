import { describe, expect, it } from 'vitest';
import { createTestApp, signUp, uniqueName, useTestApp } from '../helpers/app.js';
import { openPGlite } from '../helpers/backends.js';

const app = useTestApp(openPGlite, { http: { bodyLimitBytes: 4096 } });

function expectProblem(res: { status: number; headers: Headers; json: any }, status: number, code: string) {
  expect(res.status, JSON.stringify(res.json)).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(res.json).toMatchObject({ status, code, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
}

describe('bad input always gets a 4xx problem with a stable code', () => {
  const cases: [string, string, string, { raw?: string; body?: unknown; headers?: Record<string, string> }, number, string][] = [
    [
      'broken JSON',
      'POST',
      '/passkeys/register/options',
      { raw: '{"username": "a"', headers: { 'content-type': 'application/json' } },
      400,
      'INVALID_JSON',
    ],
    [
      'JSON that is not an object',
      'POST',
      '/passkeys/register/options',
      { raw: '[1,2]', headers: { 'content-type': 'application/json' } },
      400,
      'INVALID_REQUEST',
    ],
    [
      'null body',
      'POST',
      '/passkeys/authenticate/options',
      { raw: 'null', headers: { 'content-type': 'application/json' } },
      400,
      'INVALID_REQUEST',
    ],
    ['wrong type', 'POST', '/passkeys/register/options', { body: { username: 42 } }, 400, 'INVALID_REQUEST'],
    ['empty username', 'POST', '/passkeys/register/options', { body: { username: '   ' } }, 400, 'INVALID_REQUEST'],
    ['username with spaces', 'POST', '/passkeys/register/options', { body: { username: 'a b' } }, 400, 'INVALID_REQUEST'],
    ['username too long', 'POST', '/passkeys/register/options', { body: { username: 'x'.repeat(65) } }, 400, 'INVALID_REQUEST'],
    ['sign-up without username', 'POST', '/passkeys/register/options', { body: {} }, 400, 'INVALID_REQUEST'],
    [
      'text/plain body',
      'POST',
      '/passkeys/register/options',
      { raw: '{"username":"a"}', headers: { 'content-type': 'text/plain' } },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'huge body',
      'POST',
      '/passkeys/register/options',
      { body: { username: 'a', displayName: 'x'.repeat(10_000) } },
      413,
      'BODY_TOO_LARGE',
    ],
    ['missing response', 'POST', '/passkeys/register/verify', { body: { ceremonyId: 'x' } }, 400, 'INVALID_REQUEST'],
    [
      'non-base64url credential fields',
      'POST',
      '/passkeys/authenticate/verify',
      {
        body: {
          ceremonyId: 'x',
          response: {
            id: 'a+b',
            rawId: 'a',
            type: 'public-key',
            response: { clientDataJSON: 'a', authenticatorData: 'a', signature: 'a' },
          },
        },
      },
      400,
      'INVALID_REQUEST',
    ],
    [
      'unknown ceremony',
      'POST',
      '/passkeys/authenticate/verify',
      {
        body: {
          ceremonyId: 'nope',
          response: { id: 'a', rawId: 'a', type: 'public-key', response: { clientDataJSON: 'a', authenticatorData: 'a', signature: 'a' } },
        },
      },
      400,
      'CHALLENGE_NOT_FOUND',
    ],
    ['unknown route', 'GET', '/nope', {}, 404, 'NOT_FOUND'],
    ['unknown route outside the API', 'POST', '/../../etc/passwd', {}, 404, 'NOT_FOUND'],
    ['wrong method', 'GET', '/passkeys/register/options', {}, 405, 'METHOD_NOT_ALLOWED'],
    ['no session', 'GET', '/me/devices', {}, 401, 'UNAUTHENTICATED'],
    ['garbage session token', 'GET', '/me/devices', { headers: { authorization: 'Bearer abc.def.ghi' } }, 401, 'INVALID_TOKEN'],
    ['malformed authorization header', 'GET', '/me/devices', { headers: { authorization: 'Basic Zm9vOmJhcg==' } }, 401, 'UNAUTHENTICATED'],
    ['service route without key', 'POST', '/users', { body: { username: 'x' } }, 401, 'UNAUTHENTICATED'],
    [
      'service route with a wrong key',
      'POST',
      '/users',
      { body: { username: 'x' }, headers: { authorization: 'Bearer tfk_wrong' } },
      401,
      'UNAUTHENTICATED',
    ],
    ['recovery of an unknown kind', 'POST', '/recovery', { body: { kind: 'magic', userId: 'u' } }, 400, 'INVALID_REQUEST'],
    [
      'recovery with extra fields',
      'POST',
      '/recovery',
      { body: { kind: 'credential_reset', userId: 'u', pin: '7391' } },
      400,
      'INVALID_REQUEST',
    ],
    [
      'new-device recovery with a malformed code',
      'POST',
      '/recovery',
      { body: { kind: 'new_device', userId: 'u', code: { code: '', type: 'link' } } },
      400,
      'INVALID_REQUEST',
    ],
    ['recovery PIN that is not digits', 'PUT', '/recovery/x/pin', { body: { pin: 'abcd' } }, 400, 'INVALID_REQUEST'],
    ['recovery face step without evidence', 'POST', '/recovery/x/face', { body: { challengeId: 'c' } }, 400, 'INVALID_REQUEST'],
    ['unknown recovery flow', 'GET', '/recovery/nope', {}, 404, 'RECOVERY_NOT_FOUND'],
    ['abandoning an unknown recovery flow', 'DELETE', '/recovery/nope', {}, 404, 'RECOVERY_NOT_FOUND'],
    ['client state without a key', 'GET', '/users/u/devices/d/client-state', {}, 401, 'UNAUTHENTICATED'],
  ];
  for (const [name, method, path, opts, status, code] of cases) {
    it(name, async () => {
      const res = await app.call(method, path, opts.body, {
        headers: opts.headers ?? {},
        ...(opts.raw !== undefined && { raw: opts.raw }),
      });
      expectProblem(res, status, code);
    });
  }

  it('a body larger than the limit is refused even without content-length (streamed)', async () => {
    const chunk = new TextEncoder().encode(' '.repeat(1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 10) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await app.twofold.handler(
      new Request('http://localhost/api/v1/passkeys/register/options', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: stream,
        duplex: 'half',
      } as RequestInit),
    );
    expect(res.status).toBe(413);
    expect((await res.json()).code).toBe('BODY_TOO_LARGE');
  });

  it('a body larger than its declared length is still counted (a host may build the Request itself)', async () => {
    const big = `{"username":"xx"${' '.repeat(10_000)}}`;
    for (const declared of ['2', 'abc']) {
      const res = await app.twofold.handler(
        new Request('http://localhost/api/v1/passkeys/authenticate/options', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': declared },
          body: big,
        }),
      );
      expect(res.status, declared).toBe(413);
      expect((await res.json()).code).toBe('BODY_TOO_LARGE');
    }
  });

  it('face evidence routes, and only they, take the larger limit, whatever the base path', async () => {
    const { token } = await signUp(app); // enrolling needs a session (checked before the body is read)
    const post = (twofold: typeof app.twofold, path: string, bytes: number) => {
      let sent = 0;
      const chunk = new TextEncoder().encode(' '.repeat(1024));
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if ((sent += 1024) <= bytes) controller.enqueue(chunk);
          else controller.close();
        },
      });
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
      return twofold.handler(new Request(`http://localhost${path}`, { method: 'POST', headers, body, duplex: 'half' } as RequestInit));
    };
    for (const [twofold, base] of [
      [app.twofold, '/api/v1'],
      [createTestApp(app.store, { http: { bodyLimitBytes: 4096, basePath: '/tf/' } }).twofold, '/tf'],
    ] as const) {
      for (const path of ['/face/verify', '/face/enroll', '/recovery/x/face']) {
        const res = await post(twofold, base + path, 10_000);
        expect(res.status, path).not.toBe(413); // past the size check: a validation or session answer
        expect((await post(twofold, base + path, 1_100_000)).status, path).toBe(413);
      }
      for (const path of ['/face/challenge', '/recovery/x/passkey/verify', '/pin/verify', '/passkeys/register/verify']) {
        const res = await post(twofold, base + path, 10_000);
        expect(res.status, path).toBe(413);
        expect((await res.json()).limit).toBe(4096);
      }
      // A route that reads no body (or no route at all) answers without reading it.
      for (const path of ['/face/verify/x', '/nope']) expect((await post(twofold, base + path, 10_000)).status, path).toBe(404);
    }
  });

  it('invalid UTF-8', async () => {
    const raw = new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
    const res = await app.call('POST', '/passkeys/register/options', undefined, { raw, headers: { 'content-type': 'application/json' } });
    expectProblem(res, 400, 'INVALID_JSON');
  });

  it('garbage attestation bytes get REGISTRATION_FAILED and write nothing', async () => {
    const username = uniqueName();
    const opts = await app.call('POST', '/passkeys/register/options', { username });
    const res = await app.call('POST', '/passkeys/register/verify', {
      ceremonyId: opts.json.ceremonyId,
      response: { id: 'AAAA', rawId: 'AAAA', type: 'public-key', response: { clientDataJSON: 'e30', attestationObject: 'oWNmbXRkbm9uZQ' } },
    });
    expectProblem(res, 400, 'REGISTRATION_FAILED');
    expect(await app.store.getUserByUsername(username)).toBeNull();
  });

  it('an assertion with a tampered signature gets AUTHENTICATION_FAILED', async () => {
    const user = await signUp(app);
    const opts = await app.call('POST', '/passkeys/authenticate/options', {});
    const a = await user.authenticator.getAssertion(opts.json.options);
    const sig = a.response.signature;
    const tampered = { ...a, response: { ...a.response, signature: sig.slice(0, -4) + (sig.endsWith('AAAA') ? 'BBBB' : 'AAAA') } };
    expectProblem(
      await app.call('POST', '/passkeys/authenticate/verify', { ceremonyId: opts.json.ceremonyId, response: tampered }),
      401,
      'AUTHENTICATION_FAILED',
    );
  });

  it('limits unauthenticated ceremony starts per client address', async () => {
    const limited = createTestApp(app.store, {
      ceremoniesPerAddress: { points: 3, durationSeconds: 60 },
      http: { clientAddress: () => '203.0.113.77' },
    });
    const fixed = createTestApp(app.store, {
      ceremoniesPerAddress: { points: 3, durationSeconds: 60 },
      http: { clientAddress: () => '198.51.100.9' },
    });
    for (let i = 0; i < 3; i++) expect((await fixed.call('POST', '/passkeys/authenticate/options', {})).status).toBe(200);
    const refused = await fixed.call('POST', '/passkeys/authenticate/options', {});
    expectProblem(refused, 429, 'RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await fixed.call('POST', '/passkeys/register/options', { username: 'flooder' })).status).toBe(429);
    // face challenges and recovery starts are ceremony starts too
    expect((await fixed.call('POST', '/face/challenge', { userId: 'u', purpose: 'verify' })).status).toBe(429);
    expect((await fixed.call('POST', '/recovery', { kind: 'credential_reset', userId: 'u' })).status).toBe(429);
    expect((await fixed.call('POST', '/recovery/x/passkey/options', {})).status).toBe(429);
    // other addresses are unaffected
    expect((await limited.call('POST', '/passkeys/authenticate/options', {})).status).toBe(200);
  });

  it('API responses are never cached', async () => {
    const res = await app.call('GET', '/nope');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});
