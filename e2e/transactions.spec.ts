import type { Page } from '@playwright/test';
import { apiPost, baseUrl, expect, holdNextAutofill, signOut, signUpInDemo, test } from './fixtures.js';

const sessionOf = (page: Page) =>
  page.evaluate(() => JSON.parse(sessionStorage.getItem('twofold.session') ?? 'null') as { userId: string; token: string });

/** Captures the body of the next confirm request the page sends. */
function captureConfirm(page: Page): { url: () => string; body: () => string } {
  let url = '';
  let body = '';
  void page.route('**/api/v1/transactions/*/confirm', async (route) => {
    url = route.request().url();
    body = route.request().postData() ?? '';
    await route.continue();
  });
  return { url: () => url, body: () => body };
}

test.describe('"View card PIN": a step-up transaction releases its context after a passkey check', () => {
  test('reveals the PIN after the passkey confirmation; replaying the confirmation is refused', async ({ device }) => {
    const { page } = await device();
    await signUpInDemo(page, undefined, 'Card Holder');
    const confirm = captureConfirm(page);
    await page.getByRole('button', { name: 'View card PIN' }).click();
    await expect.poll(() => page.locator('#card-pin').textContent(), { timeout: 15_000 }).toMatch(/^\d{4}$/);
    await expect.poll(() => page.locator('#card-status').textContent()).toContain('Shown once');

    // The same confirmation again (a replay, or a second tab): refused, and no context.
    const { token } = await sessionOf(page);
    const replay = await fetch(confirm.url(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: confirm.body(),
    });
    expect(replay.status).toBe(409);
    const problem = (await replay.json()) as Record<string, unknown>;
    expect(problem.code).toBe('TRANSACTION_DECIDED');
    expect(problem.context).toBeUndefined();
  });

  test('the app PIN is a fallback: set it, then confirm with it instead of the passkey', async ({ device }) => {
    const { page } = await device();
    await signUpInDemo(page, undefined, 'Pin Holder');
    await page.locator('#new-pin').fill('2580');
    await page.getByRole('button', { name: 'Set PIN' }).click();
    await expect.poll(() => page.locator('.notice').textContent(), { timeout: 15_000 }).toContain('app PIN is set');
    page.removeAllListeners('dialog');
    page.on('dialog', (d) => void d.accept('2580'));
    await page.getByRole('link', { name: 'Use my app PIN instead' }).click();
    await expect.poll(() => page.locator('#card-pin').textContent(), { timeout: 15_000 }).toMatch(/^\d{4}$/);
  });

  test("refuses another user's passkey and session", async ({ device }) => {
    const alice = await device();
    await signUpInDemo(alice.page, undefined, 'Alice');
    const bob = await device();
    await signUpInDemo(bob.page, undefined, 'Bob');
    // Alice's "View card PIN": catch the transaction id and stop there.
    let transactionId = '';
    await alice.page.route('**/api/v1/transactions/*/options', async (route) => {
      transactionId = decodeURIComponent(new URL(route.request().url()).pathname.split('/')[4]!);
      await route.abort();
    });
    await alice.page.getByRole('button', { name: 'View card PIN' }).click();
    await expect.poll(() => transactionId).not.toBe('');

    // Bob's session cannot see it...
    const bobSession = await sessionOf(bob.page);
    expect((await apiPost(`/transactions/${transactionId}/options`, {}, bobSession.token)).json.code).toBe('TRANSACTION_NOT_FOUND');
    // ...and Bob's passkey, used on Alice's ceremony from Bob's browser, is refused.
    const aliceSession = await sessionOf(alice.page);
    const opts = await apiPost(`/transactions/${transactionId}/options`, {}, aliceSession.token);
    const bobsAssertion = await bob.page.evaluate(async (options) => {
      const b64 = (s: string) =>
        Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/') + '=='.slice(0, (4 - (s.length % 4)) % 4)), (c) => c.charCodeAt(0));
      const u = (b: ArrayBuffer) =>
        btoa(String.fromCharCode(...new Uint8Array(b)))
          .replace(/\+/g, '-')
          .replace(/\//g, '_')
          .replace(/=+$/, '');
      const cred = (await navigator.credentials.get({
        publicKey: { challenge: b64(options.challenge), rpId: options.rpId, userVerification: 'required', allowCredentials: [] },
      })) as PublicKeyCredential;
      const r = cred.response as AuthenticatorAssertionResponse;
      return {
        id: cred.id,
        rawId: u(cred.rawId),
        type: 'public-key',
        response: {
          clientDataJSON: u(r.clientDataJSON),
          authenticatorData: u(r.authenticatorData),
          signature: u(r.signature),
          userHandle: r.userHandle ? u(r.userHandle) : undefined,
        },
        clientExtensionResults: {},
      };
    }, opts.json.options);
    const res = await apiPost(
      `/transactions/${transactionId}/confirm`,
      { ceremonyId: opts.json.ceremonyId, response: bobsAssertion },
      aliceSession.token,
    );
    expect(res.status).toBe(401);
    expect(res.json.code).toBe('CREDENTIAL_NOT_FOUND');
  });

  test('a sign-in assertion captured in the browser cannot confirm a transaction', async ({ device }) => {
    const { page } = await device();
    await signUpInDemo(page, undefined, 'Replay Target');
    await holdNextAutofill(page);
    await signOut(page);
    let login = '';
    await page.route('**/api/v1/passkeys/authenticate/verify', async (route) => {
      login = route.request().postData() ?? '';
      await route.continue();
    });
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.locator('#card').waitFor({ timeout: 15_000 });
    let transactionId = '';
    await page.route('**/api/v1/transactions/*/options', async (route) => {
      transactionId = decodeURIComponent(new URL(route.request().url()).pathname.split('/')[4]!);
      await route.abort();
    });
    await page.getByRole('button', { name: 'View card PIN' }).click();
    await expect.poll(() => transactionId).not.toBe('');
    const { token } = await sessionOf(page);
    const tx = await apiPost(`/transactions/${transactionId}/options`, {}, token);
    const res = await apiPost(
      `/transactions/${transactionId}/confirm`,
      { ceremonyId: tx.json.ceremonyId, response: JSON.parse(login).response },
      token,
    );
    expect(res.status).toBe(401);
    expect(res.json.code).toBe('AUTHENTICATION_FAILED');
  });

  // Moves the server's clock (TWOFOLD_UNSAFE_TEST_CLOCK), so it runs last in this file.
  test('an expired transaction releases nothing (clock seam)', async ({ device }) => {
    const { page } = await device();
    await signUpInDemo(page, undefined, 'Slow Confirmer');
    // The confirmation arrives after the transaction's 5 minutes: move the clock just before it.
    await page.route('**/api/v1/transactions/*/confirm', async (route) => {
      await fetch(`${baseUrl()}/__test__/clock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ advanceSeconds: 301 }),
      });
      await route.continue();
    });
    await page.getByRole('button', { name: 'View card PIN' }).click();
    await expect.poll(() => page.locator('#card-status').textContent(), { timeout: 15_000 }).toContain('expired');
    expect(await page.locator('#card-pin').textContent()).toBe('••••');
  });
});
