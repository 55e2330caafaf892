import { expect, test } from '@twofold/testing/playwright';
import type { Page } from '@playwright/test';

// Every test signs up its own user (a unique name), on its own browser context: no state is
// shared between tests but the server, which starts once per worker.
let n = 0;
const uniqueName = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${n++}`;
const status = (page: Page) => page.locator('#status');

/** Clicks a face button and waits for `expected` in the status line (a face check takes a while). */
async function faceAction(page: Page, button: string, expected: string) {
  await page.getByRole('button', { name: button }).click();
  await expect(status(page)).not.toHaveText('Working…', { timeout: 60_000 });
  await expect(status(page)).toHaveText(expected);
}

async function signUp(page: Page, url: string, username: string) {
  await page.goto(url);
  await page.locator('#signup-username').fill(username);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.locator('#title')).toHaveText(`Hello, ${username}`);
}

test('sign up creates a passkey on this device', async ({ page, authenticator, twofold }) => {
  const username = uniqueName('ada');
  await signUp(page, twofold.url, username);
  const { userId } = await twofold.server.users.retrieve({ username });
  await expect(authenticator).toHaveCredentialFor(userId);
  await expect(twofold).toHaveDevice({ userId, type: 'passkey', count: 1 });
  await expect(page.locator('#devices li')).toHaveCount(1);
});

test('sign in with the passkey; failing biometrics refuse it', async ({ page, authenticator, twofold }) => {
  const username = uniqueName('grace');
  await signUp(page, twofold.url, username);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.locator('#title')).toHaveText('Welcome');

  await authenticator.setUserVerified(false); // the fingerprint no longer matches
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await expect(status(page)).toHaveText(/^Failed: /);
  await expect(page.locator('#title')).toHaveText('Welcome');

  await authenticator.setUserVerified(true);
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await expect(page.locator('#title')).toHaveText(`Hello, ${username}`);
});

test('add a second device with a code from support', async ({ page, authenticator, twofold, newDevice }) => {
  const username = uniqueName('alan');
  await signUp(page, twofold.url, username);
  const { userId } = await twofold.server.users.retrieve({ username });
  const { code } = await twofold.service.generateCode({ userId, type: 'short' });

  const laptop = await newDevice({ url: twofold.url });
  await laptop.page.locator('#code-user').fill(userId);
  await laptop.page.locator('#code-value').fill(code);
  await laptop.page.getByRole('button', { name: 'Add this device' }).click();
  await expect(laptop.page.locator('#title')).toHaveText(`Hello, ${username}`);
  await expect(laptop.authenticator).toHaveCredentialFor(userId);
  await expect(authenticator).toHaveCredentialFor(userId);
  await expect(twofold).toHaveDevice({ userId, type: 'passkey', count: 2 });
});

test('a wrong code adds nothing', async ({ page, twofold, newDevice }) => {
  const username = uniqueName('edsger');
  await signUp(page, twofold.url, username);
  const { userId } = await twofold.server.users.retrieve({ username });
  await twofold.service.generateCode({ userId, type: 'short' });

  const laptop = await newDevice({ url: twofold.url });
  await laptop.page.locator('#code-user').fill(userId);
  await laptop.page.locator('#code-value').fill('00000000');
  await laptop.page.getByRole('button', { name: 'Add this device' }).click();
  await expect(status(laptop.page)).toHaveText(/^Failed: /);
  await expect(laptop.authenticator).not.toHaveCredentialFor(userId);
  await expect(twofold).toHaveDevice({ userId, type: 'passkey', count: 1 });
});

test('confirm a transaction with the passkey: the context is released once', async ({ page, twofold }) => {
  const username = uniqueName('barbara');
  await signUp(page, twofold.url, username);
  const { userId } = await twofold.server.users.retrieve({ username });
  const { transactionId } = await twofold.service.createTransaction({
    userId,
    message: 'Show the PIN of card •••• 4242',
    context: { cardPin: '4711' },
  });

  await page.locator('#transaction-id').fill(transactionId);
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.locator('#transaction-result')).toHaveText('Card PIN: 4711');
  expect(await twofold.service.getTransaction({ transactionId })).toMatchObject({ status: 'approved' });

  await page.locator('#transaction-result').evaluate((e) => (e.textContent = ''));
  await page.getByRole('button', { name: 'Confirm' }).click(); // a second confirmation gets nothing
  await expect(status(page)).toHaveText(/^Failed: /);
  await expect(page.locator('#transaction-result')).toHaveText('');
});

test('face recovery on a new device: a code that needs a face check, then a new passkey', async ({ page, camera, twofold, newDevice }) => {
  await camera.follow({ person: 'a' }); // this device's webcam shows person A, following the challenges
  const username = uniqueName('jane');
  await signUp(page, twofold.url, username);
  const { userId } = await twofold.server.users.retrieve({ username });
  await faceAction(page, 'Enroll my face', 'Face enrolled');
  await expect(twofold).toHaveDevice({ userId, type: 'backup', count: 1 });

  // The phone is lost. Support issues a code that works only with a face check.
  const { code } = await twofold.service.generateCode({ userId, type: 'short', requireFace: true });
  const phone = await newDevice({ url: twofold.url, camera: { person: 'a' } });
  await phone.page.locator('#recover-user').fill(userId);
  await phone.page.locator('#recover-code').fill(code);
  await faceAction(phone.page, 'Recover with my face', 'Recovered');
  await expect(phone.page.locator('#title')).toHaveText(`Hello, ${username}`);
  await expect(phone.authenticator).toHaveCredentialFor(userId);
  await expect(twofold).toHaveDevice({ userId, type: 'passkey', count: 2 });
});

test('face recovery refuses someone else’s face: no passkey is bound', async ({ page, camera, twofold, newDevice }) => {
  await camera.follow({ person: 'a' });
  const username = uniqueName('joan');
  await signUp(page, twofold.url, username);
  const { userId } = await twofold.server.users.retrieve({ username });
  await faceAction(page, 'Enroll my face', 'Face enrolled');

  // A thief with the code, but person B in front of the camera.
  const { code } = await twofold.service.generateCode({ userId, type: 'short', requireFace: true });
  const thief = await newDevice({ url: twofold.url, camera: { person: 'b' } });
  await thief.page.locator('#recover-user').fill(userId);
  await thief.page.locator('#recover-code').fill(code);
  await faceAction(thief.page, 'Recover with my face', 'Failed: FACE_MISMATCH');
  await expect(thief.authenticator).not.toHaveCredentialFor(userId);
  await expect(twofold).toHaveDevice({ userId, type: 'passkey', count: 1 });
});
