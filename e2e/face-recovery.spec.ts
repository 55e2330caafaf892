import type { Page } from '@playwright/test';
import {
  apiPost,
  deviceRows,
  expect,
  holdNextAutofill,
  honestFaceCheck,
  issueCode,
  signOut,
  signUpInDemo,
  test,
  uniqueName,
} from './fixtures.js';

// The two journeys of credential reset and recovery by face, clicked through the demo with
// virtual authenticators and fake webcams (person A enrolled; person B is someone else).
const FACE = { timeout: 90_000, intervals: [500] };
const text = (page: Page, selector: string) => page.locator(selector).textContent();
/** The user id in a recovery link (`…#/recover?user=…&code=…`). */
const userOf = (link: string) => new URLSearchParams(link.split('?')[1]).get('user');

async function enrollFaceAndPin(page: Page, pin: string) {
  await page.locator('#new-pin').fill(pin);
  await page.getByRole('button', { name: 'Set PIN' }).click();
  await expect.poll(() => text(page, '.notice'), { timeout: 15_000 }).toContain('app PIN is set');
  await honestFaceCheck(page, {
    button: 'Enroll my face',
    passed: async () => ((await text(page, '.notice')) ?? '').includes('face is enrolled'),
    status: '#face-status',
  });
}

async function pinSignIn(page: Page, pin: string) {
  await page.locator('#signin-pin').fill(pin);
  await page.getByRole('button', { name: 'Sign in with PIN' }).click();
}

test('credential reset by face: biometrics changed, PIN forgotten (one device, the owner’s face)', async ({ device }) => {
  test.setTimeout(600_000); // two face journeys, each with face checks of up to 90 s
  let userId: string;
  let username: string;
  let janeCustomer: string;
  let janeCredentials: Awaited<ReturnType<Awaited<ReturnType<typeof device>>['authenticator']['credentials']>> = [];
  await test.step('UV fails → PIN fallback → third wrong PIN locks → new PIN + face check → passkey again → new PIN and passkey work, old PIN not', async () => {
    const jane = await device({ camera: 'a' });
    const { page, authenticator } = jane;
    username = await signUpInDemo(page, uniqueName('jane'), 'Jane Doe');
    await enrollFaceAndPin(page, '2580');
    janeCustomer = (await page.evaluate(() => localStorage.getItem('northwind.customer')))!;
    userId = JSON.parse(janeCustomer).userId;

    // Jane reset her device's biometrics: her passkey's user verification now fails.
    await authenticator.setUserVerified(false);
    await holdNextAutofill(page);
    await signOut(page);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await expect.poll(() => text(page, '#signin-status'), { timeout: 15_000 }).not.toBe('');
    expect(await text(page, 'h1')).not.toContain('Hello');

    // The app falls back to her PIN; she has forgotten it.
    await expect.poll(() => text(page, '#pin-signin h2')).toBe('Welcome back, Jane Doe');
    for (const [pin, left] of [
      ['1111', '2'],
      ['1212', '1'],
    ] as const) {
      await pinSignIn(page, pin);
      await expect.poll(() => text(page, '#pin-signin-status'), { timeout: 15_000 }).toBe(`Wrong PIN. ${left} attempt(s) left.`);
    }
    await pinSignIn(page, '1313');
    await expect.poll(() => text(page, '#pin-signin-status'), { timeout: 15_000 }).toContain('locked');
    await page.locator('#pin-signin-status').evaluate((e) => (e.textContent = ''));
    await pinSignIn(page, '2580'); // even the right PIN is refused now
    await expect.poll(() => text(page, '#pin-signin-status'), { timeout: 15_000 }).toContain('locked');

    // Locked out: the app offers the reset. A new PIN first (only staged), then her face.
    await page.getByRole('link', { name: 'Reset my PIN with my face' }).click();
    await page.locator('#reset-pin').fill('7391');
    await page.locator('#reset-pin-again').fill('7391');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Verify my face' }).waitFor({ timeout: 15_000 });
    // The PIN is bound to Jane's devices: from anywhere else (here: the test itself) it cannot even be tried.
    expect((await apiPost('/pin/verify', { userId, pin: '7391' })).json.code).toBe('DEVICE_PROOF_REQUIRED');
    expect((await apiPost('/recovery', { kind: 'credential_reset', userId })).json.code).toBe('DEVICE_PROOF_REQUIRED');
    // The step is recorded server-side: a reload resumes at the face check.
    await page.reload();
    await honestFaceCheck(page, {
      button: 'Verify my face',
      passed: () => page.getByRole('button', { name: 'Set up my passkey' }).isVisible(),
      status: '#reset-status',
    });
    expect(await page.locator('#flow-steps li.done').allTextContents()).toEqual(['Choose a new PIN (done)', 'Verify your face (done)']);

    // She sets up her device's biometrics again and re-registers the passkey on this device.
    await authenticator.setUserVerified(true);
    await page.getByRole('button', { name: 'Set up my passkey' }).click();
    await expect.poll(() => text(page, '.notice'), { timeout: 15_000 }).toContain('PIN and your passkey on this device are reset');
    await expect.poll(() => deviceRows(page).count()).toBe(2); // the new passkey (replacing the old one) and the face backup
    await expect.poll(() => deviceRows(page).filter({ hasText: 'this device' }).count()).toBe(1);
    await expect.poll(() => text(page, '.events')).toContain('App PIN reset after a face check');
    expect(await authenticator.credentials()).toHaveLength(1); // the authenticator replaced its credential for this account

    // The old PIN no longer works, the new one does.
    await holdNextAutofill(page);
    await signOut(page);
    await pinSignIn(page, '2580');
    await expect.poll(() => text(page, '#pin-signin-status'), { timeout: 15_000 }).toBe('Wrong PIN. 2 attempt(s) left.');
    await pinSignIn(page, '7391');
    await expect.poll(() => text(page, 'h1'), { timeout: 15_000 }).toBe('Hello, Jane Doe');

    // And the new passkey signs in.
    await holdNextAutofill(page);
    await signOut(page);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await expect.poll(() => text(page, 'h1'), { timeout: 15_000 }).toBe('Hello, Jane Doe');
    janeCredentials = await authenticator.credentials(); // her passkey, as a password manager would sync it
  });
  await test.step('someone else’s face cannot reset Jane’s PIN (it stays at the face step, her PIN unchanged); support sees the reset and cancels it', async () => {
    const other = await device({ camera: 'b' });
    const { page, authenticator } = other;
    // Another browser that only knows her account cannot start a reset (device binding).
    await page.evaluate((c) => localStorage.setItem('northwind.customer', c), janeCustomer);
    await page.goto(new URL('#/reset', page.url()).href);
    await page.locator('#reset-pin').fill('4826');
    await page.locator('#reset-pin-again').fill('4826');
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => text(page, '#reset-status'), { timeout: 15_000 }).toContain('not set up for your account');
    // Jane's phone in someone else's hands: her synced passkey signed in there once, so the
    // browser is bound to her account.
    for (const credential of janeCredentials) await authenticator.addCredential(credential);
    await holdNextAutofill(page);
    await page.goto(new URL('#/', page.url()).href);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await expect.poll(() => text(page, 'h1'), { timeout: 15_000 }).toBe('Hello, Jane Doe');
    await holdNextAutofill(page);
    await signOut(page);
    await page.goto(new URL('#/reset', page.url()).href);
    await page.locator('#reset-pin').fill('4826');
    await page.locator('#reset-pin-again').fill('4826');
    await page.getByRole('button', { name: 'Continue' }).click();
    // Someone else following the moves is refused as a mismatch.
    const mismatch = async () => ((await text(page, '#reset-status')) ?? '').includes('does not match');
    await honestFaceCheck(page, { button: 'Verify my face', passed: mismatch, status: '#reset-status' });
    await expect.poll(() => page.locator('#flow-steps li.now').textContent()).toBe('Verify your face');
    // Her PIN is unchanged (the staged one was never applied): the right PIN still signs in here.
    await holdNextAutofill(page);
    await page.goto(new URL('#/', page.url()).href);
    await pinSignIn(page, '7391');
    await expect.poll(() => text(page, 'h1'), { timeout: 15_000 }).toBe('Hello, Jane Doe');
    await holdNextAutofill(page);
    await signOut(page);
    await page.goto(new URL('#/reset', page.url()).href);
    // Jane calls the bank: support sees the reset in progress and cancels it.
    const agent = (await device()).page;
    await agent.goto(new URL('#/support', agent.url()).href);
    await agent.locator('#lookup-username').fill(username);
    await agent.getByRole('button', { name: 'Look up' }).click();
    await expect.poll(() => text(agent, '#customer-flows'), { timeout: 15_000 }).toContain('PIN and passkey reset (face) — next: face');
    await agent.getByRole('button', { name: /Cancel recovery/ }).click();
    await expect.poll(() => text(agent, '#customer-status'), { timeout: 15_000 }).toBe('The recovery is cancelled.');
    await expect.poll(() => text(agent, '#customer-flows')).toBe('None.');
    // The stranger's page cannot go on with it.
    await page.getByRole('button', { name: 'Verify my face' }).click();
    await expect.poll(() => text(page, '#reset-status'), FACE).toContain('already ended');
  });
});

test('recovery on a new device by face: link code + the bank’s client state + face check → new passkey', async ({ device }) => {
  test.setTimeout(600_000); // two face journeys, each with face checks of up to 90 s
  let username: string;
  let owner!: Awaited<ReturnType<typeof device>>;
  await test.step('a new browser opens the emailed link, passes the face check, binds a passkey; the old device is removed and locked out', async () => {
    owner = await device({ camera: 'a' });
    username = await signUpInDemo(owner.page, uniqueName('lost'), 'Lost Phone');
    await enrollFaceAndPin(owner.page, '2580');
    const { link, code } = await issueCode(device, username, 'link'); // the console requires a face check: a face is enrolled
    // The link alone is not enough.
    const userId = userOf(link!);
    expect((await apiPost('/credentials/fido2/init/code', { userId, code: { code, type: 'link' } })).json.code).toBe('FACE_REQUIRED');

    const fresh = await device({ camera: 'a' });
    const { page } = fresh;
    await page.goto(link!);
    await page.getByRole('button', { name: 'Create a passkey on this device' }).click();
    await honestFaceCheck(page, {
      button: 'Verify my face',
      passed: () => page.locator('#recovery-device').isVisible(),
      status: '#recovery-status',
    });
    expect(await page.locator('#flow-steps li.done').allTextContents()).toEqual([
      'Recovery code checked (done)',
      'Verify your face (done)',
    ]);
    await page.locator('#recovery-device').fill('My new phone');
    await page.getByRole('button', { name: 'Create a passkey on this device' }).click();
    await expect.poll(() => text(page, '.notice'), { timeout: 15_000 }).toContain('recovered on this device');
    expect(await fresh.authenticator.credentials()).toHaveLength(1);
    await expect.poll(() => deviceRows(page).count()).toBe(3); // old passkey, face backup, this one

    // Review devices: remove the old phone.
    const old = deviceRows(page).filter({ hasNotText: 'this device' }).filter({ hasNotText: 'Face' });
    await old.getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => deviceRows(page).count()).toBe(2);

    // The new passkey signs in; the old device cannot.
    await holdNextAutofill(page);
    await signOut(page);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await expect.poll(() => text(page, 'h1'), { timeout: 15_000 }).toBe('Hello, Lost Phone');
    await holdNextAutofill(owner.page);
    await signOut(owner.page);
    await owner.page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await expect.poll(() => text(owner.page, '#signin-status'), { timeout: 15_000 }).toContain('not registered here');
    // The code is spent.
    expect((await apiPost('/recovery', { kind: 'new_device', userId, code: { code, type: 'link' } })).json.code).toBe('CODE_USED');
  });
  await test.step('someone else with a valid link cannot pass the face check: no passkey is bound and the code stays unused', async () => {
    const { link, code } = await issueCode(device, username, 'link');
    const thief = await device({ camera: 'b' });
    const { page } = thief;
    await page.goto(link!);
    await page.getByRole('button', { name: 'Create a passkey on this device' }).click();
    const mismatch = async () => ((await text(page, '#recovery-status')) ?? '').includes('does not match');
    await honestFaceCheck(page, { button: 'Verify my face', passed: mismatch, status: '#recovery-status' });
    expect(await thief.authenticator.credentials()).toHaveLength(0);
    await expect.poll(() => page.locator('#flow-steps li.now').textContent()).toBe('Verify your face');
    // The flow cannot skip to the passkey step.
    const flowId = JSON.parse((await page.evaluate(() => localStorage.getItem('twofold.recovery')))!).flowId;
    expect((await apiPost(`/recovery/${flowId}/passkey/options`, {})).json.code).toBe('RECOVERY_OUT_OF_ORDER');
    await page.getByRole('link', { name: 'Cancel' }).click();
    await page.locator('#recover').waitFor();
    const userId = userOf(link!);
    expect((await apiPost('/credentials/fido2/init/code', { userId, code: { code, type: 'link' } })).json.code).toBe('FACE_REQUIRED');
  });
});
