import { test as base, expect, type CameraPerson, type TestCredential, type TestDevice } from '@twofold/testing/playwright';
import type { Page, Route } from '@playwright/test';

export { expect };

/** The webcams of the face tests: person A or B following the challenges, or a still photo of A. */
export type Camera = 'a' | 'b' | 'photoA';

/** Options of the `device` fixture's function. */
export interface DeviceOptions {
  /** The device's webcam. Default: none. */
  camera?: Camera;
  /**
   * Passkeys the device's authenticator holds before the demo opens (synced from another device):
   * the demo's passkey autofill signs in with them on load.
   */
  credentials?: readonly TestCredential[];
}

/**
 * The e2e tests' `test`: the published fixtures plus `device(options)` — a new device (the
 * `newDevice` fixture: its own context, page and authenticator, closed after the test, also when
 * it fails) that accepts the demo's dialogs and has the demo (playwright-setup.ts) open.
 */
export const test = base.extend<{ device: (options?: DeviceOptions) => Promise<TestDevice> }>({
  device: async ({ newDevice, camera }, use) => {
    await use(async (options = {}) => {
      const person: CameraPerson = options.camera === 'b' ? 'b' : 'a';
      const device = await newDevice(options.camera && options.camera !== 'photoA' ? { camera: { person } } : {});
      if (options.camera === 'photoA') await camera.still({ person: 'a', context: device.context });
      for (const credential of options.credentials ?? []) await device.authenticator.addCredential(credential);
      // The capture loop's time limit (demo: 20 s) is for people; on a busy CI host the page's
      // tracker (WASM on a software GPU) is slower than a phone.
      // (A still photo never completes the moves: it keeps the demo's 20 s.)
      if (options.camera === 'a' || options.camera === 'b')
        await device.context.addInitScript(() => localStorage.setItem('northwind.faceTimeoutMs', '40000'));
      device.page.on('dialog', (d) => void d.accept(d.type() === 'prompt' ? 'Renamed device' : undefined));
      await device.page.goto(baseUrl());
      return device;
    });
  },
});

function failNoServer(): never {
  throw new Error('E2E_BASE_URL is not set: run the e2e tests through e2e/playwright.config.ts (its global setup starts the demo).');
}

let n = 0;
/** A user name no other test uses. */
export const uniqueName = (p = 'e2e') => `${p}${Date.now().toString(36)}${(n++).toString(36)}`;

/** Signs up through the demo's form and waits for the account page. */
export async function signUpInDemo(page: Page, username = uniqueName(), displayName = 'Ada Lovelace') {
  await page.locator('#signup-username').fill(username);
  await page.locator('#signup-name').fill(displayName);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.locator('h1')).toHaveText(`Hello, ${displayName}`);
  return username;
}

/**
 * Signs out and waits for the sign-in page. Hold the page's autofill first (holdNextAutofill):
 * the virtual authenticator answers it at once and would sign the user straight back in.
 */
export async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.locator('#signin-button').waitFor({ timeout: 15_000 });
}

export const deviceRows = (page: Page) => page.locator('#devices [data-device-id]');

/**
 * The virtual authenticators answer a conditional (autofill) request at once, as if the user
 * picked the passkey from the username field. To test the button path, hold the page's next
 * autofill ceremony: its options request is left unanswered, like a user who never touches the
 * field. The returned function lets it go on (for a test of autofill itself that must first see
 * the sign-in page: without the hold, a fast sign-in can replace it before a check sees it).
 */
export async function holdNextAutofill(page: Page): Promise<() => Promise<void>> {
  let held: Route | undefined;
  let release: (() => void) | undefined;
  const seen = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/api/v1/passkeys/authenticate/options', async (route) => {
    if (!held) {
      held = route;
      release!();
      return; // answered only when released
    }
    await route.continue();
  });
  return async () => {
    await seen;
    await held!.continue();
  };
}

/** The demo server's URL (set by playwright-setup.ts before the workers start). */
export const baseUrl = (): string => process.env.E2E_BASE_URL ?? failNoServer();
/** The demo server's all-scopes service key. */
export const apiKey = (): string => process.env.E2E_API_KEY ?? failNoServer();

/** POSTs JSON to the demo server's API (optionally with a bearer credential); returns status and body. */
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
  device: (options?: DeviceOptions) => Promise<TestDevice>,
  username: string,
  type: 'short' | 'long' | 'link',
  options: { requireFace?: boolean } = {},
): Promise<{ code: string; link: string | null }> {
  const { page, context } = await device();
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

/** What {@link honestFaceCheck} clicks and waits for. */
export interface HonestFaceCheckOptions {
  /** The button that starts the check (its accessible name). */
  button: string;
  /** True once the page shows that the check passed. */
  passed: () => Promise<boolean>;
  /** The status line where the page reports a failed check (an element with class `error`). */
  status: string;
}

/**
 * A face check through the demo by a person following the moves — the enrolled person (it
 * passes) or someone else (`passed()` then looks for the mismatch refusal). Clicks `button` once
 * and waits until `passed()`, or until the status line shows an error, which fails the test with
 * that line's text (not a bare locator timeout). One try: the page's tracker used to miss the test
 * camera's turned (and closer) face at some drawn targets (the tiny detector's result depended on
 * where the face fell on its anchor grid) and this helper tried again up to three times; the
 * tracker now measures each action frame in a region placed on the face (`FaceEngine.observe`'s
 * `near`), and `pnpm bench:capture` measures how often a capture still runs out of time.
 */
export async function honestFaceCheck(page: Page, options: HonestFaceCheckOptions): Promise<void> {
  const status = page.locator(options.status);
  await page.getByRole('button', { name: options.button }).click();
  let outcome = 'pending';
  await expect
    .poll(
      async () => {
        if (await options.passed()) return (outcome = 'passed');
        const failed = (await status.getAttribute('class'))?.split(/\s+/).includes('error');
        if (!failed) return (outcome = 'pending');
        // The page may have shown the outcome between the two reads: `passed()` again before
        // calling it a failure (a mismatch expected as the outcome is also an error line).
        return (outcome = (await options.passed()) ? 'passed' : ((await status.textContent()) ?? 'error'));
      },
      { timeout: 90_000, intervals: [500] },
    )
    .not.toBe('pending');
  if (outcome !== 'passed') throw new Error(`"${options.button}" failed: ${outcome}`);
}
