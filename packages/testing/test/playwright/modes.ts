import type { Page } from '@playwright/test';
import type { ServerResponse } from 'node:http';
import { expect, type TestAuthenticator, type TwofoldTestServer } from '../../src/playwright/index.js';
import { fixturePage } from './page.js';

// What the `twofold` fixture's mode tests share (listener-mode.spec.ts, url-mode.spec.ts; the
// Fetch-handler mode is the config's default, used by fixtures.spec.ts): a sign-up in the page,
// then both matchers.
let n = 0;
export const unique = (p: string) => `${p}-${Date.now().toString(36)}-${n++}`;
const register = (page: Page, username: string) =>
  page.evaluate((u) => (window as any).register(u) as Promise<{ userId?: string; error?: string }>, username);

/** The fixture page, written by a Node listener. */
export const sendPage = async (res: ServerResponse) => {
  res.setHeader('content-type', 'text/html');
  res.end(await fixturePage().text());
};

/** Signs up in the page; `toHaveCredentialFor` and `toHaveDevice` must see it. */
export async function signUpAndMatch(page: Page, authenticator: TestAuthenticator, twofold: TwofoldTestServer): Promise<string> {
  await page.goto(twofold.url);
  const { userId, error } = await register(page, unique('ada'));
  expect(error).toBeUndefined();
  await expect(authenticator).toHaveCredentialFor(userId!);
  await expect(twofold).toHaveDevice({ userId: userId!, type: 'passkey', count: 1 });
  return userId!;
}
