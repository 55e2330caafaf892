import type { Page } from '@playwright/test';
import {
  apiKey,
  apiPost,
  baseUrl,
  deviceRows,
  expect,
  holdNextAutofill,
  issueCode,
  signOut,
  signUpInDemo,
  test,
  uniqueName,
} from './fixtures.js';

async function enterCode(page: Page, username: string, type: 'short' | 'long', code: string) {
  await page.goto(`${baseUrl()}/#/recover`);
  await page.locator('#recover-username').fill(username);
  await page.locator('#recover-type').selectOption(type);
  await page.locator('#recover-code').fill(code);
  await page.getByRole('button', { name: 'Create a passkey on this device' }).click();
}

test.describe('account recovery on a new device with a code (two browser contexts = two devices)', () => {
  test('device A registers; support issues a short code; device B redeems it, signs in, removes A; A is locked out; the code is spent', async ({
    device,
  }) => {
    const a = await device();
    const username = await signUpInDemo(a.page, uniqueName('lost'), 'Lost Phone');
    const { code } = await issueCode(device, username, 'short');
    expect(code).toMatch(/^\d{4} \d{4}$/);

    const b = await device();
    await enterCode(b.page, username, 'short', code);
    await expect.poll(() => b.page.locator('.notice').textContent(), { timeout: 15_000 }).toContain('recovered on this device');
    expect(await b.authenticator.credentials()).toHaveLength(1);
    await expect.poll(() => deviceRows(b.page).count()).toBe(2);
    await expect.poll(() => b.page.locator('.events').textContent()).toContain('Passkey added with a recovery code');

    // B signs in with its new passkey.
    await holdNextAutofill(b.page);
    await signOut(b.page);
    await b.page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await expect.poll(() => b.page.locator('h1').textContent(), { timeout: 15_000 }).toBe('Hello, Lost Phone');

    // B removes the old device (the row that is not "this device").
    const old = deviceRows(b.page).filter({ hasNotText: 'this device' });
    await old.getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => deviceRows(b.page).count()).toBe(1);

    // A can no longer sign in.
    await holdNextAutofill(a.page);
    await signOut(a.page);
    await a.page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await expect.poll(() => a.page.locator('#signin-status').textContent(), { timeout: 15_000 }).toContain('not registered here');

    // The code cannot be used again, on any device.
    const c = await device();
    await enterCode(c.page, username, 'short', code);
    await expect.poll(() => c.page.locator('#recover-status').textContent(), { timeout: 15_000 }).toContain('already been used');
    expect(await c.authenticator.credentials()).toHaveLength(0);
    for (const d of [a, b, c]) await d.context.close();
  });

  test('recovers through a link code opened on the new device', async ({ device }) => {
    const a = await device();
    const username = await signUpInDemo(a.page, uniqueName('link'), 'Link User');
    const { link } = await issueCode(device, username, 'link');
    expect(link).toContain('#/recover?user=');
    const b = await device();
    await b.page.goto(link!);
    await expect.poll(() => b.page.locator('#recover h2').textContent()).toBe('Recover with your link');
    await b.page.getByRole('button', { name: 'Create a passkey on this device' }).click();
    await expect.poll(() => b.page.locator('h1').textContent(), { timeout: 15_000 }).toBe('Hello, Link User');
  });

  test('wrong guesses do not burn a short code: after a few wrong entries the right one still recovers the account', async ({ device }) => {
    const a = await device();
    const username = await signUpInDemo(a.page, uniqueName('guess'));
    const { code } = await issueCode(device, username, 'short');
    const digits = code.replace(' ', '');
    const wrong = digits === '00000000' ? '11111111' : '00000000';
    const b = await device();
    // Four wrong entries (five per user and address per 15 minutes are allowed).
    for (let i = 0; i < 4; i++) {
      await enterCode(b.page, username, 'short', wrong);
      await expect.poll(() => b.page.locator('#recover-status').textContent(), { timeout: 15_000 }).toContain('not right');
    }
    await enterCode(b.page, username, 'short', digits);
    await expect.poll(() => b.page.locator('.notice').textContent(), { timeout: 15_000 }).toContain('recovered');
    expect(await b.authenticator.credentials()).toHaveLength(1);
  });

  test('of several devices redeeming one link at the same moment, exactly one gets the passkey', async ({ device }) => {
    const a = await device();
    const username = await signUpInDemo(a.page, uniqueName('race'), 'Race User');
    const { link } = await issueCode(device, username, 'link');
    const devices = await Promise.all(Array.from({ length: 3 }, () => device()));
    for (const d of devices) await d.page.goto(link!);
    await Promise.all(devices.map((d) => d.page.getByRole('button', { name: 'Create a passkey on this device' }).click()));
    // Read the page as it is now, without waiting for an element: the winner's page leaves the
    // recovery page (and its #recover-status) for the account page while this polls.
    const read = (page: Page) =>
      page.evaluate(() => ({
        h1: document.querySelector('h1')?.textContent ?? '',
        status: document.querySelector('#recover-status')?.textContent ?? '',
      }));
    const outcome = async (page: Page) => {
      const settled = async () => {
        const now = await read(page);
        return now.h1 === 'Hello, Race User' || now.status !== '';
      };
      await expect.poll(settled, { timeout: 60_000 }).toBe(true);
      const now = await read(page);
      return now.h1 === 'Hello, Race User' ? 'recovered' : now.status;
    };
    const outcomes = await Promise.all(devices.map((d) => outcome(d.page)));
    expect(outcomes.filter((o) => o === 'recovered')).toHaveLength(1);
    expect(outcomes.filter((o) => o !== 'recovered').every((o) => o.includes('already been used'))).toBe(true);
    const user = await apiPost('/users/retrieve', { username }, apiKey());
    const list = await fetch(`${baseUrl()}/api/v1/users/${encodeURIComponent(user.json.userId)}/devices`, {
      headers: { authorization: `Bearer ${apiKey()}` },
    });
    expect(((await list.json()) as { devices: unknown[] }).devices).toHaveLength(2);
    for (const d of [a, ...devices]) await d.context.close();
  });

  // Moves the server's clock (TWOFOLD_UNSAFE_TEST_CLOCK), so it runs last in this file.
  test('an expired code is refused (clock seam, no sleeping)', async ({ device }) => {
    const a = await device();
    const username = await signUpInDemo(a.page, uniqueName('late'));
    const { code } = await issueCode(device, username, 'short');
    const moved = await fetch(`${baseUrl()}/__test__/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advanceSeconds: 601 }),
    });
    expect(moved.status).toBe(200);
    const b = await device();
    await enterCode(b.page, username, 'short', code);
    await expect.poll(() => b.page.locator('#recover-status').textContent(), { timeout: 15_000 }).toContain('expired');
  });
});
