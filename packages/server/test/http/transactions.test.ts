import { createServer } from 'node:http';
import { createSoftAuthenticator } from '@twofold/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSealingKey, parseKeyring } from '../../src/sealing/keyring.js';
import { createWebhookNotifier, verifyWebhookSignature } from '../../src/webhooks/webhooks.js';
import { addPasskey, bindDevice, createTestApp, ORIGIN, signUp, useTestApp } from '../helpers/app.js';
import { openPGlite } from '../helpers/backends.js';

const app = useTestApp(openPGlite, { secretKeys: parseKeyring(generateSealingKey('k1')) });
let backend: string;
beforeAll(async () => {
  backend = (await app.twofold.apiKeys.create({ name: 'bank', scopes: ['transactions.create', 'transactions.read'] })).secret;
});

const create = (userId: string, extra: Record<string, unknown> = {}) =>
  app.call(
    'POST',
    '/transactions',
    { userId, message: 'Show the PIN of card •••• 4242', context: { cardPin: '4821' }, ...extra },
    { token: backend },
  );
const status = (id: string) => app.call('GET', `/transactions/${id}`, undefined, { token: backend });
/** The user's side, signed in with `token`: a sign-in ceremony for transaction `id`… */
const options = (id: string, token: string) => app.call('POST', `/transactions/${id}/options`, undefined, { token });
/** …and its answer: the ceremony's id and assertion, or a PIN with a device proof. */
const confirm = (id: string, body: Record<string, unknown>, token: string) =>
  app.call('POST', `/transactions/${id}/confirm`, body, { token });

async function approveWithPasskey(user: Awaited<ReturnType<typeof signUp>>, transactionId: string) {
  const opts = await options(transactionId, user.token);
  if (opts.status !== 200) return opts;
  return confirm(
    transactionId,
    { ceremonyId: opts.json.ceremonyId, response: await user.authenticator.getAssertion(opts.json.options) },
    user.token,
  );
}

describe('app transactions', () => {
  it('releases the context once, to a passkey confirmation bound to the transaction', async () => {
    const user = await signUp(app);
    const created = await create(user.userId);
    expect(created.status).toBe(201);
    expect(created.json).toEqual({ transactionId: expect.any(String), expiresAt: expect.any(String) });
    const id = created.json.transactionId;
    expect((await status(id)).json).toEqual({ transactionId: id, status: 'pending' });
    expect(JSON.stringify(await app.store.getTransaction(id))).not.toContain('4821'); // sealed at rest

    const opts = await options(id, user.token);
    expect(opts.json.message).toBe('Show the PIN of card •••• 4242');
    expect(opts.json.options.allowCredentials.map((c: { id: string }) => c.id)).toEqual([...user.authenticator.credentials.keys()]);
    const confirmed = await confirm(
      id,
      { ceremonyId: opts.json.ceremonyId, response: await user.authenticator.getAssertion(opts.json.options) },
      user.token,
    );
    expect(confirmed.status).toBe(200);
    expect(confirmed.json).toEqual({ status: 'approved', context: { cardPin: '4821' } });

    const after = await status(id);
    expect(after.json).toEqual({ transactionId: id, status: 'approved', method: 'passkey', decidedAt: expect.any(String) });
    expect(JSON.stringify(after.json)).not.toContain('4821');
    expect((await app.store.getTransaction(id))?.sealedContext).toBeNull(); // erased on release
    const again = await approveWithPasskey(user, id);
    expect(again.status).toBe(409);
    expect(again.json.code).toBe('TRANSACTION_DECIDED');
    expect(app.events.filter((e) => e.data.transactionId === id).map((e) => e.type)).toEqual([
      'transaction.created',
      'passkey.step_up',
      'transaction.approved',
    ]);
  });

  it('a second ceremony started before the first confirmation cannot release the context again', async () => {
    const user = await signUp(app);
    const id = (await create(user.userId)).json.transactionId;
    const o1 = await options(id, user.token);
    const o2 = await options(id, user.token);
    const a1 = await user.authenticator.getAssertion(o1.json.options);
    const a2 = await user.authenticator.getAssertion(o2.json.options);
    expect((await confirm(id, { ceremonyId: o1.json.ceremonyId, response: a1 }, user.token)).status).toBe(200);
    const second = await confirm(id, { ceremonyId: o2.json.ceremonyId, response: a2 }, user.token);
    expect(second.json.code).toBe('TRANSACTION_DECIDED');
  });

  it('refuses another user: their session sees nothing, their passkey is not accepted', async () => {
    const alice = await signUp(app);
    const bob = await signUp(app);
    const id = (await create(alice.userId)).json.transactionId;
    const bobsView = await options(id, bob.token);
    expect(bobsView.status).toBe(404);
    expect(bobsView.json.code).toBe('TRANSACTION_NOT_FOUND');
    const opts = await options(id, alice.token);
    const bobsAssertion = await bob.authenticator.getAssertion({ ...opts.json.options, allowCredentials: [] });
    const res = await confirm(id, { ceremonyId: opts.json.ceremonyId, response: bobsAssertion }, alice.token);
    expect(res.status).toBe(401);
    expect(res.json.code).toBe('CREDENTIAL_NOT_FOUND');
    expect((await status(id)).json.status).toBe('pending');
  });

  it('a listed credential id deleted and registered again by someone else does not confirm the transaction', async () => {
    const alice = await signUp(app);
    const [x] = [...alice.authenticator.credentials.keys()];
    // a second passkey, and a session on it that survives removing the first device
    const second = createSoftAuthenticator({ origin: ORIGIN });
    expect((await addPasskey(app, alice.token, { authenticator: second })).status).toBe(200);
    const signIn = await app.call('POST', '/passkeys/authenticate/options', { username: alice.username });
    const session = await app.call('POST', '/passkeys/authenticate/verify', {
      ceremonyId: signIn.json.ceremonyId,
      response: await second.getAssertion({ ...signIn.json.options, allowCredentials: [] }),
    });
    expect(session.status).toBe(200);
    const id = (await create(alice.userId)).json.transactionId;
    const opts = await options(id, session.json.token);
    expect(opts.json.options.allowCredentials.map((c: { id: string }) => c.id)).toContain(x);
    expect((await app.call('DELETE', `/me/devices/${alice.deviceId}`, undefined, { token: session.json.token })).status).toBe(204);
    // Mallory's authenticator registers the freed credential id on her own account.
    const mallory = createSoftAuthenticator({ origin: ORIGIN });
    const reg = await app.call('POST', '/passkeys/register/options', { username: `mallory${Date.now()}` });
    const taken = await app.call('POST', '/passkeys/register/verify', {
      ceremonyId: reg.json.ceremonyId,
      response: await mallory.createCredential(reg.json.options, { credentialId: x }),
    });
    expect(taken.status).toBe(200);
    const res = await confirm(
      id,
      { ceremonyId: opts.json.ceremonyId, response: await mallory.getAssertion(opts.json.options) },
      session.json.token,
    );
    expect(res.status).toBe(401);
    expect(res.json.code).toBe('CREDENTIAL_NOT_FOUND');
    expect((await status(id)).json.status).toBe('pending');
  });

  it('a sign-in assertion cannot be replayed into a transaction', async () => {
    const user = await signUp(app);
    const id = (await create(user.userId)).json.transactionId;
    const login = await app.call('POST', '/passkeys/authenticate/options', {});
    const loginAssertion = await user.authenticator.getAssertion(login.json.options);
    const tx = await options(id, user.token);
    const grafted = await confirm(id, { ceremonyId: tx.json.ceremonyId, response: loginAssertion }, user.token);
    expect(grafted.json.code).toBe('AUTHENTICATION_FAILED');
    const wrongKind = await confirm(id, { ceremonyId: login.json.ceremonyId, response: loginAssertion }, user.token);
    expect(wrongKind.json.code).toBe('CEREMONY_MISMATCH');
    // and a transaction assertion cannot sign in
    const tx2 = await options(id, user.token);
    const txAssertion = await user.authenticator.getAssertion(tx2.json.options);
    const login2 = await app.call('POST', '/passkeys/authenticate/options', {});
    expect(
      (await app.call('POST', '/passkeys/authenticate/verify', { ceremonyId: login2.json.ceremonyId, response: txAssertion })).json.code,
    ).toBe('AUTHENTICATION_FAILED');
    expect((await status(id)).json.status).toBe('pending');
  });

  it('expires (clock seam): no options, no confirmation, status "expired"', async () => {
    const user = await signUp(app);
    const id = (await create(user.userId, { ttlSeconds: 60 })).json.transactionId;
    const opts = await options(id, user.token);
    const assertion = await user.authenticator.getAssertion(opts.json.options);
    app.clock.advance(61);
    const late = await confirm(id, { ceremonyId: opts.json.ceremonyId, response: assertion }, user.token);
    expect(late.status).toBe(410);
    expect(late.json.code).toBe('TRANSACTION_EXPIRED');
    expect(
      (
        await app.call('POST', `/transactions/${id}/options`, undefined, {
          token: await app.twofold.tokens.issue({ userId: user.userId, amr: ['passkey'] }),
        })
      ).json.code,
    ).toBe('TRANSACTION_EXPIRED');
    expect((await status(id)).json.status).toBe('expired');
  });

  it('accepts the PIN as a fallback where allowed; concurrent PIN confirmations release it once', async () => {
    const user = await signUp(app);
    await app.call('PUT', '/me/pin', { pin: '2580' }, { token: user.token });
    const key = await bindDevice(app, user.token); // the PIN is device-bound (test/http/device-binding.test.ts)
    const id = (await create(user.userId)).json.transactionId;
    const wrong = await confirm(id, { pin: '1111', deviceProof: await key.proof(user.userId, 'transaction') }, user.token);
    expect(wrong.json).toMatchObject({ code: 'PIN_INVALID', attemptsRemaining: 2 });
    // two attempt slots are left: both right PINs are checked, and only one releases the context
    const proofs = [await key.proof(user.userId, 'transaction'), await key.proof(user.userId, 'transaction')];
    const results = await Promise.all(proofs.map((deviceProof) => confirm(id, { pin: '2580', deviceProof }, user.token)));
    expect(results.filter((r) => r.status === 200).map((r) => r.json)).toEqual([{ status: 'approved', context: { cardPin: '4821' } }]);
    expect(results.filter((r) => r.status !== 200).every((r) => r.json.code === 'TRANSACTION_DECIDED')).toBe(true);
    expect((await status(id)).json.method).toBe('pin');

    const strict = (await create(user.userId, { allowPin: false })).json.transactionId;
    expect((await confirm(strict, { pin: '2580' }, user.token)).json.code).toBe('PIN_NOT_ALLOWED');
  });

  it('records a denial; a denied transaction cannot be approved', async () => {
    const user = await signUp(app);
    const id = (await create(user.userId)).json.transactionId;
    expect((await app.call('POST', `/transactions/${id}/deny`, undefined, { token: user.token })).json).toEqual({ status: 'denied' });
    expect((await status(id)).json.status).toBe('denied');
    expect((await approveWithPasskey(user, id)).json.code).toBe('TRANSACTION_DECIDED');
  });

  it('validates input and needs secret keys', async () => {
    const user = await signUp(app);
    expect((await create(user.userId, { context: 'x'.repeat(5000) })).json.code).toBe('INVALID_REQUEST');
    expect((await create(user.userId, { message: '' })).json.code).toBe('INVALID_REQUEST');
    expect((await create(user.userId, { ttlSeconds: 7200 })).json.code).toBe('INVALID_REQUEST');
    expect((await create('nobody')).json.code).toBe('USER_NOT_FOUND');
    expect((await app.call('POST', `/transactions/x/confirm`, { pin: '1', ceremonyId: 'y' }, { token: user.token })).json.code).toBe(
      'INVALID_REQUEST',
    );
    expect((await status('nope')).json.code).toBe('TRANSACTION_NOT_FOUND');
    const keyless = createTestApp(app.store);
    const k = (await keyless.twofold.apiKeys.create({ name: 'k', scopes: ['transactions.create'] })).secret;
    const res = await keyless.call('POST', '/transactions', { userId: user.userId, message: 'm', context: 1 }, { token: k });
    expect(res.status).toBe(503);
    expect(res.json.code).toBe('NOT_CONFIGURED');
  });
});

describe('webhook notifier', () => {
  it('delivers decisions signed, with one idempotency key across retries', async () => {
    const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.statusCode = received.length === 1 ? 503 : 204; // the first delivery fails
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hooks/twofold`;
    const secret = 'whsec_0123456789abcdef0123456789abcdef';
    try {
      const failures: unknown[] = [];
      const notify = createWebhookNotifier({ url, secret, backoffMs: [10], onFailure: (_e, err) => failures.push(err) });
      const event = {
        id: 'ev1',
        type: 'transaction.approved' as const,
        at: new Date(),
        userId: 'u1',
        deviceId: null,
        actor: 'user:u1',
        data: { transactionId: 't1', method: 'passkey' },
      };
      await notify(event);
      await notify({ ...event, id: 'ev2', type: 'user.signed_in' as const }); // not subscribed
      expect(failures).toEqual([]);
      expect(received).toHaveLength(2);
      expect(received.map((r) => r.headers['idempotency-key'])).toEqual(['ev1', 'ev1']);
      const last = received[1]!;
      expect(JSON.parse(last.body)).toMatchObject({ id: 'ev1', type: 'transaction.approved', data: { transactionId: 't1' } });
      expect(await verifyWebhookSignature({ secret, header: String(last.headers['twofold-signature']), body: last.body })).toBe(true);
      expect(await verifyWebhookSignature({ secret, header: String(last.headers['twofold-signature']), body: `${last.body} ` })).toBe(
        false,
      );
      expect(
        await verifyWebhookSignature({ secret: `${secret}x`, header: String(last.headers['twofold-signature']), body: last.body }),
      ).toBe(false);
      expect(
        await verifyWebhookSignature({
          secret,
          header: String(last.headers['twofold-signature']),
          body: last.body,
          now: new Date(Date.now() + 3_600_000),
        }),
      ).toBe(false);
    } finally {
      server.close();
    }
  });

  it('gives up after the last try and reports it', async () => {
    const failures: unknown[] = [];
    const notify = createWebhookNotifier({
      url: 'http://127.0.0.1:1/unreachable',
      secret: 'whsec_0123456789abcdef0123456789abcdef',
      maxAttempts: 2,
      backoffMs: [5],
      onFailure: (_e, err) => failures.push(err),
    });
    await notify({ id: 'e', type: 'transaction.denied', at: new Date(), userId: null, deviceId: null, actor: 'x', data: {} });
    expect(failures).toHaveLength(1);
  });
});
