import { CHROMIUM_ARGS, addVirtualAuthenticator, findChromium } from '@twofold/testing';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect, inject } from 'vitest';

export const baseUrl = () => inject('baseUrl');

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
}

let n = 0;
export const uniqueName = (p = 'e2e') => `${p}${Date.now().toString(36)}${(n++).toString(36)}`;

/**
 * A new browser context (= a new device) with a page and its own virtual authenticator;
 * `setup` runs on the context before the page opens (e.g. to install a camera).
 */
export async function newDevice(browser: Browser, setup?: (context: BrowserContext) => Promise<unknown>) {
  const context: BrowserContext = await browser.newContext();
  await setup?.(context);
  const page: Page = await context.newPage();
  page.on('dialog', (d) => void d.accept(d.type() === 'prompt' ? 'Renamed device' : undefined));
  const authenticator = await addVirtualAuthenticator(page);
  await page.goto(baseUrl());
  return { context, page, authenticator };
}

/** Signs up through the demo's form and waits for the account page. */
export async function signUpInDemo(page: Page, username = uniqueName(), displayName = 'Ada Lovelace') {
  await page.locator('#signup-username').fill(username);
  await page.locator('#signup-name').fill(displayName);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect.poll(() => page.locator('h1').textContent(), { timeout: 15_000 }).toBe(`Hello, ${displayName}`);
  return username;
}

export async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.locator('#signin-button').waitFor();
}

export const deviceRows = (page: Page) => page.locator('#devices [data-device-id]');

/**
 * Chromium's virtual authenticator answers a conditional (autofill) request at once, as if the
 * user picked the passkey from the username field. To test the button path, hold the page's
 * next autofill ceremony: its options request is left unanswered, like a user who never
 * touches the field.
 */
export async function holdNextAutofill(page: Page) {
  let held = false;
  await page.route('**/api/v1/passkeys/authenticate/options', async (route) => {
    if (!held) {
      held = true;
      return; // never answered
    }
    await route.continue();
  });
}

/** POSTs JSON to the server's API (optionally with a bearer credential); returns status and body. */
export async function apiPost(path: string, body: unknown, token?: string): Promise<{ status: number; json: any }> {
  const res = await fetch(`${baseUrl()}/api/v1${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

/**
 * The support agent's browser: looks the customer up and issues a code in the console (by
 * default with the console's own choice of requiring a face check).
 */
export async function issueCode(
  browser: Browser,
  username: string,
  type: 'short' | 'long' | 'link',
  options: { requireFace?: boolean } = {},
): Promise<{ code: string; link: string | null }> {
  const { page, context } = await newDevice(browser);
  await page.goto(`${baseUrl()}/#/support`);
  await page.locator('#lookup-username').fill(username);
  await page.getByRole('button', { name: 'Look up' }).click();
  await page.locator('#code-type').selectOption(type);
  if (options.requireFace !== undefined) await page.locator('#code-face').setChecked(options.requireFace);
  await page.getByRole('button', { name: 'Issue code' }).click();
  const code = (await page.locator('#issued-code').textContent({ timeout: 15_000 }))!.trim();
  const link = type === 'link' ? await page.locator('#issued-link').getAttribute('href') : null;
  await context.close();
  return { code, link };
}
