import type { Page } from '@playwright/test';
import { sampleImagePath } from '../../src/face-poses.js';
import { createTestCamera, expect, test, type AuthenticatorBackend } from '../../src/playwright/index.js';

// The fixtures of @twofold/testing/playwright against a real Twofold server (in-memory PGlite),
// a real Chromium and both authenticator back-ends. Each test signs up its own user.
let n = 0;
const unique = (p: string) => `${p}-${Date.now().toString(36)}-${n++}`;
type Answer = { userId?: string; error?: string };
const register = (page: Page, username: string) => page.evaluate((u) => (window as any).register(u) as Promise<Answer>, username);
const authenticate = (page: Page, username?: string) => page.evaluate((u) => (window as any).authenticate(u) as Promise<Answer>, username);

for (const backend of ['cdp', 'playwright'] as const satisfies AuthenticatorBackend[]) {
  test.describe(`authenticator, ${backend} back-end`, () => {
    test.use({ authenticatorBackend: backend });

    test('registers, lists, counts signatures, forgets and takes an injected passkey back', async ({ page, authenticator, twofold }) => {
      expect(authenticator.backend).toBe(backend);
      await page.goto(twofold.url);
      const username = unique('ada');
      const { userId, error } = await register(page, username);
      expect(error).toBeUndefined();
      await expect(authenticator).toHaveCredentialFor(userId!);
      await expect(twofold).toHaveDevice({ userId: userId!, type: 'passkey', count: 1 });

      expect((await authenticate(page, username)).userId).toBe(userId);
      const [credential] = await authenticator.credentials({ rpId: 'localhost' });
      expect(credential).toMatchObject({ rpId: 'localhost', userHandle: userId, isResident: true });
      expect(credential!.signCount).toBeGreaterThanOrEqual(1);

      // The device forgets it: no passkey to answer with.
      await authenticator.removeCredential(credential!.id);
      await expect(authenticator).not.toHaveCredentialFor(userId!);
      expect((await authenticate(page, username)).error).toBeDefined();

      // Injected again with its key and counter: it signs in again.
      await authenticator.addCredential({
        rpId: 'localhost',
        id: credential!.id,
        userHandle: userId!,
        privateKey: credential!.privateKey,
        signCount: credential!.signCount,
      });
      expect((await authenticate(page, username)).userId).toBe(userId);

      // A counter that goes back (a cloned authenticator) is refused by the server.
      await authenticator.setSignCount(credential!.id, 0);
      expect((await authenticate(page, username)).error).toBeDefined();
      const [after] = await authenticator.credentials();
      expect(after!.signCount).toBe(1);

      await authenticator.clearCredentials();
      expect(await authenticator.credentials()).toEqual([]);
    });

    test('answers a usernameless sign-in with a fresh injected passkey the server does not know', async ({
      page,
      authenticator,
      twofold,
    }) => {
      await page.goto(twofold.url);
      const injected = await authenticator.addCredential({ rpId: 'localhost' });
      expect(injected.id).toMatch(/^[\w-]+$/);
      expect(await authenticator.credentials()).toHaveLength(1);
      expect((await authenticate(page)).error).toBe('CREDENTIAL_NOT_FOUND');
    });
  });
}

test.describe('authenticator, cdp only', () => {
  test('failing user verification, then backup flags reaching the server', async ({ page, authenticator, twofold }) => {
    await page.goto(twofold.url);
    const username = unique('grace');
    const { userId } = await register(page, username);
    await authenticator.setUserVerified(false);
    expect((await authenticate(page, username)).error).toBeDefined();
    await authenticator.setUserVerified(true);

    const [credential] = await authenticator.credentials();
    await authenticator.setBackupFlags({ credentialId: credential!.id, backupEligible: true, backedUp: true });
    expect((await authenticate(page, username)).userId).toBe(userId);
    expect(JSON.stringify(await twofold.service.listDevices({ userId: userId! }))).toContain('"backedUp":true');
  });

  test('removed, the page has no authenticator', async ({ page, authenticator, twofold }) => {
    await page.goto(twofold.url);
    await authenticator.remove();
    const outcome = await Promise.race([
      register(page, unique('alan')),
      new Promise<Answer>((r) => setTimeout(() => r({ error: 'no answer' }), 3000)),
    ]);
    expect(outcome.error).toBeDefined();
  });
});

test.describe('authenticator, playwright back-end limits', () => {
  test.use({ authenticatorBackend: 'playwright' });
  test('refuses what it cannot do, naming the cdp back-end', async ({ authenticator }) => {
    expect(authenticator.capabilities).toMatchObject({ userVerification: false, backupFlags: false, remove: false, algorithms: ['ES256'] });
    await expect(authenticator.setUserVerified(false)).rejects.toThrow(/cdp back-end/);
    await expect(authenticator.setBackupFlags({ credentialId: 'x', backedUp: true })).rejects.toThrow(/cdp back-end/);
    await expect(authenticator.remove()).rejects.toThrow(/cdp back-end/);
  });
});

test.describe('newDevice', () => {
  test('is another context with its own authenticator', async ({ page, authenticator, twofold, newDevice }) => {
    await page.goto(twofold.url);
    const { userId } = await register(page, unique('edsger'));
    const other = await newDevice({ url: twofold.url });
    expect(other.context).not.toBe(page.context());
    await expect(authenticator).toHaveCredentialFor(userId!);
    await expect(other.authenticator).not.toHaveCredentialFor(userId!);
  });
});

test.describe('twofold', () => {
  test('service client: users, codes, transactions, devices in one line each', async ({ twofold }) => {
    const { userId } = await twofold.service.createUser({ username: unique('barbara') });
    expect((await twofold.service.generateCode({ userId, type: 'long' })).code.length).toBeGreaterThanOrEqual(20);
    const { transactionId } = await twofold.service.createTransaction({ userId, message: 'Pay 10 €', context: { ok: true } });
    expect(await twofold.service.getTransaction({ transactionId })).toMatchObject({ status: 'pending' });
    expect(await twofold.service.listDevices({ userId })).toEqual([]);
    await expect(twofold.service.createUser({ username: '' })).rejects.toMatchObject({ status: 400 });
  });
});

/** Reads the camera in the page: the track's label and size, and how much the picture varies. */
const readCamera = (page: Page) =>
  page.evaluate(async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ video: true });
    const video = document.createElement('video');
    video.muted = true;
    video.srcObject = stream;
    await video.play();
    await new Promise((r) => setTimeout(r, 300));
    const canvas = Object.assign(document.createElement('canvas'), { width: video.videoWidth, height: video.videoHeight });
    const g = canvas.getContext('2d')!;
    g.drawImage(video, 0, 0);
    const px = g.getImageData(0, 0, canvas.width, canvas.height).data;
    let min = 255;
    let max = 0;
    for (let i = 0; i < px.length; i += 4) {
      min = Math.min(min, px[i]!);
      max = Math.max(max, px[i]!);
    }
    const label = stream.getVideoTracks()[0]!.label;
    stream.getTracks().forEach((t) => {
      t.stop();
    });
    return { label, width: video.videoWidth, height: video.videoHeight, spread: max - min };
  });

test.describe('camera', () => {
  test('still: the picture as is, through the steerable camera', async ({ page, camera, twofold }) => {
    await camera.still({ image: sampleImagePath('sample2.jpg') });
    await page.goto(twofold.url);
    const seen = await readCamera(page);
    expect(seen.label).toBe('Twofold steerable camera');
    expect(seen.spread).toBeGreaterThan(100);
  });

  test('captureDevice: Chromium’s fake capture device playing a .y4m made from a picture', async ({ camera, twofold }) => {
    const device = await camera.captureDevice({ image: sampleImagePath('sample2.jpg'), script: [{ motion: 'static', seconds: 0.5 }] });
    expect(device.y4m).toMatch(/\.y4m$/);
    await device.page.goto(twofold.url);
    const seen = await readCamera(device.page);
    expect(seen.label).not.toBe('Twofold steerable camera');
    expect(seen).toMatchObject({ width: 640, height: 480 });
    expect(seen.spread).toBeGreaterThan(100); // a picture, not Chromium's default test pattern's flat frame
  });

  test('captureDevice refuses other browsers clearly', async ({ context, browser, playwright, launchOptions }) => {
    const camera = createTestCamera({
      context,
      browser,
      browserName: 'firefox',
      browserType: playwright.firefox,
      launchOptions,
      outputPath: (f) => f,
    });
    await expect(camera.captureDevice({ y4m: 'x.y4m' })).rejects.toThrow(/needs Chromium.*camera\.follow/);
  });
});
