import { createTestAuthenticator } from '@twofold/testing/playwright';
import { apiPost, baseUrl, deviceRows, expect, holdNextAutofill, signOut, signUpInDemo, test } from './fixtures.js';

test.describe('passkeys in the demo, in headless Chromium with a virtual authenticator', () => {
  test('signs up: the authenticator holds a discoverable credential and the device is listed', async ({ device }) => {
    const { page, authenticator } = await device();
    await signUpInDemo(page);
    const credentials = await authenticator.credentials();
    expect(credentials).toHaveLength(1);
    expect(credentials[0]!.isResident).toBe(true);
    await expect.poll(() => deviceRows(page).count()).toBe(1);
    expect(await deviceRows(page).first().textContent()).toContain('this device');
  });

  test('signs in with the button, without typing a username (discoverable credential)', async ({ device }) => {
    const { page } = await device();
    await signUpInDemo(page, undefined, 'Button User');
    await holdNextAutofill(page);
    await signOut(page);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await expect.poll(() => page.locator('h1').textContent(), { timeout: 15_000 }).toBe('Hello, Button User');
    await expect.poll(() => page.locator('.events').textContent()).toContain('Signed in with a passkey');
  });

  test('signs in through passkey autofill (conditional mediation)', async ({ device }) => {
    const { page } = await device();
    const username = await signUpInDemo(page, undefined, 'Autofill User');
    const releaseAutofill = await holdNextAutofill(page);
    await signOut(page);
    // The sign-in page starts a conditional get() (autofill) as it loads. Chromium's virtual
    // authenticator answers it as a user picking the passkey from the username field would;
    // nothing is clicked here. (Held until the sign-in page has shown, then let go.)
    await releaseAutofill();
    await expect.poll(() => page.locator('h1').textContent(), { timeout: 15_000 }).toBe('Hello, Autofill User');
    expect(await page.locator('#nav').textContent()).toContain(username.toLowerCase());
  });

  test('adds a second passkey, renames and deletes a device; the deleted one can no longer sign in', async ({ device }) => {
    const { page, authenticator } = await device();
    await signUpInDemo(page, undefined, 'Two Keys');
    // A second authenticator (say, a security key) replaces the first on this page.
    await authenticator.remove();
    const second = await createTestAuthenticator({ page });
    await page.getByRole('button', { name: 'Add a passkey on this device' }).click();
    await expect.poll(() => deviceRows(page).count(), { timeout: 15_000 }).toBe(2);

    const first = deviceRows(page).first();
    await first.getByRole('button', { name: 'Rename' }).click();
    await expect.poll(() => deviceRows(page).first().textContent()).toContain('Renamed device');
    await deviceRows(page).first().getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => deviceRows(page).count()).toBe(1);

    // The second authenticator still signs in; after removing its device, it cannot.
    await holdNextAutofill(page);
    await signOut(page);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await expect.poll(() => page.locator('h1').textContent(), { timeout: 15_000 }).toBe('Hello, Two Keys');
    const [kept] = await second.credentials();
    await holdNextAutofill(page);
    await deviceRows(page).first().getByRole('button', { name: 'Remove' }).click();
    await page.locator('#signin-button').waitFor();
    // Signal API: after the removal the client signalled the accepted credentials (none), and
    // the authenticator dropped the passkey (WebAuthn L3 §5.1.10.2).
    expect(await second.credentials()).toHaveLength(0);
    // A provider that ignored the signal still offers it: the server refuses it, and the client
    // signals it as unknown (§5.1.10.1), which removes it again.
    await second.addCredential(kept!);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await expect.poll(() => page.locator('#signin-status').textContent(), { timeout: 15_000 }).toContain('not registered here');
    await expect.poll(() => second.credentials().then((c) => c.length)).toBe(0);
  });

  test('"Sign out everywhere" ends the sessions of every browser, this one too', async ({ device }) => {
    const laptop = await device();
    await signUpInDemo(laptop.page, undefined, 'Everywhere');
    // A second browser holding the same (synced) passkey signs in too (by autofill, on this page
    // or the reloaded one).
    const phone = await device();
    await phone.authenticator.addCredential((await laptop.authenticator.credentials())[0]!);
    await phone.page.reload();
    await expect(phone.page.locator('h1')).toHaveText('Hello, Everywhere', { timeout: 15_000 });

    const phoneToken = await phone.page.evaluate(() =>
      Object.values(sessionStorage)
        .map((v) => JSON.parse(v).token as string)
        .find(Boolean),
    );
    const me = (token: string) => fetch(`${baseUrl()}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
    expect(await me(phoneToken!)).toBe(200);

    await holdNextAutofill(laptop.page);
    await laptop.page.getByRole('link', { name: 'Sign out everywhere' }).click(); // the confirm dialog is accepted
    await laptop.page.locator('#signin-button').waitFor({ timeout: 15_000 });
    expect(await me(phoneToken!)).toBe(401); // the phone's session ended on the server at once

    // The phone's next visit finds its session ended; it signs in again (autofill; it holds the
    // passkey's highest signature counter), and the activity says what happened.
    await phone.page.reload();
    await expect
      .poll(() => phone.page.locator('.events').textContent(), { timeout: 15_000 })
      .toMatch(/Signed out everywhere \([23] session/); // the phone may have signed in twice
  });

  test('a mistyped username refuses the passkey the browser offers but does not signal it away', async ({ device }) => {
    const { page, authenticator } = await device();
    const username = await signUpInDemo(page, undefined, 'Typo');
    await holdNextAutofill(page);
    await signOut(page);
    // An unknown name gets no allowCredentials, so the browser offers the site's passkey anyway.
    await page.locator('#signin-username').fill(`${username}x`);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await expect.poll(() => page.locator('#signin-status').textContent(), { timeout: 15_000 }).toContain('not registered here');
    // The passkey is valid, only not this name's: no unknown-credential signal may delete it.
    await page.waitForTimeout(1000);
    expect(await authenticator.credentials()).toHaveLength(1);
    await page.locator('#signin-username').fill(username);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await expect.poll(() => page.locator('h1').textContent(), { timeout: 15_000 }).toBe('Hello, Typo');
  });

  test('refuses a replayed assertion captured from the browser', async ({ device }) => {
    const { page } = await device();
    await signUpInDemo(page);
    await holdNextAutofill(page);
    await signOut(page);
    let captured: string | null = null;
    await page.route('**/api/v1/passkeys/authenticate/verify', async (route) => {
      captured = route.request().postData();
      await route.continue();
    });
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.locator('#devices').waitFor();
    expect(captured).not.toBeNull();

    const replay = await fetch(`${baseUrl()}/api/v1/passkeys/authenticate/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: captured!,
    });
    expect(replay.status).toBe(400);
    expect(replay.headers.get('content-type')).toBe('application/problem+json');
    expect((await replay.json()).code).toBe('CHALLENGE_NOT_FOUND');

    // Grafted onto a fresh ceremony, the old assertion fails the challenge check.
    const fresh = (await (await fetch(`${baseUrl()}/api/v1/passkeys/authenticate/options`, { method: 'POST' })).json()) as {
      ceremonyId: string;
    };
    const grafted = await fetch(`${baseUrl()}/api/v1/passkeys/authenticate/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...JSON.parse(captured!), ceremonyId: fresh.ceremonyId }),
    });
    expect(grafted.status).toBe(401);
    expect((await grafted.json()).code).toBe('AUTHENTICATION_FAILED');
  });

  test('refuses sign-in when user verification fails, and says so', async ({ device }) => {
    const { page, authenticator } = await device();
    await signUpInDemo(page);
    await authenticator.setUserVerified(false);
    await holdNextAutofill(page);
    await signOut(page);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await expect.poll(() => page.locator('#signin-status').textContent(), { timeout: 15_000 }).toContain('prompt was closed');
    expect(await page.locator('#devices').count()).toBe(0);
    // With verification working again, the same passkey signs in.
    await authenticator.setUserVerified(true);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.locator('#devices').waitFor({ timeout: 15_000 });
  });

  test('the activity view pages back through the whole history, past a stranger’s flood of events', async ({ device }) => {
    const { page } = await device();
    await signUpInDemo(page);
    const { userId } = JSON.parse((await page.evaluate(() => localStorage.getItem('northwind.customer')))!);
    // Someone who knows the user id guesses recovery codes: each guess is an event for the user.
    for (let i = 0; i < 10; i++) {
      expect((await apiPost('/credentials/fido2/init/code', { userId, code: { code: `guess-${i}`, type: 'long' } })).json.code).toBe(
        'CODE_INVALID',
      );
    }
    await page.reload();
    await expect.poll(() => page.locator('.events li').count(), { timeout: 15_000 }).toBe(8);
    expect(await page.locator('.events').textContent()).not.toContain('Account opened');
    while (await page.locator('#older-events').isVisible()) {
      const shown = await page.locator('.events li').count();
      await page.getByRole('button', { name: 'Show older activity' }).click();
      await expect.poll(() => page.locator('.events li').count(), { timeout: 15_000 }).toBeGreaterThan(shown);
    }
    const all = await page.locator('.events').textContent();
    expect(all).toContain('Passkey added');
    expect(all).toContain('Account opened'); // the oldest event is still reachable
  });
});
