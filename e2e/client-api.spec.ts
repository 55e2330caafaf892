import { fileURLToPath } from 'node:url';
import type { TestDevice } from '@twofold/testing/playwright';
import { build } from 'esbuild';
import type { Page } from '@playwright/test';
import { baseUrl, expect, test, uniqueName } from './fixtures.js';

// @twofold/client's plain functions in Chromium against the virtual authenticator: the PRF
// extension (with and without PRF support) and the automatic passkey upgrade. The client is
// bundled here (once per worker) and loaded into a page of the server's origin that runs no demo
// code (so no autofill request competes).
let bundle: Promise<string> | undefined;
const clientBundle = () =>
  (bundle ??= build({
    entryPoints: [fileURLToPath(new URL('../packages/client/src/index.ts', import.meta.url))],
    bundle: true,
    format: 'iife',
    globalName: 'TwofoldClient',
    platform: 'browser',
    conditions: ['@twofold/source'],
    write: false,
    logLevel: 'silent',
  }).then((out) => out.outputFiles[0]!.text));

/** A new device (the `newDevice` fixture) whose authenticator has PRF or not, on a page with the client loaded. */
async function clientPage(newDevice: (o: { virtual: { hasPrf: boolean } }) => Promise<TestDevice>, hasPrf: boolean) {
  const { context, page, authenticator } = await newDevice({ virtual: { hasPrf } });
  const body = await clientBundle();
  await page.route('**/__e2e__/client.js', (route) => route.fulfill({ contentType: 'text/javascript', body }));
  const verifyBodies: string[] = [];
  page.on('request', (r) => {
    if (/\/passkeys\/(register|authenticate)\/verify$/.test(r.url())) verifyBodies.push(r.postData() ?? '');
  });
  await page.goto(`${baseUrl()}/api/v1/.well-known/jwks.json`);
  await page.addScriptTag({ url: '/__e2e__/client.js' });
  return { context, page, authenticator, verifyBodies };
}

/** Signs up and signs in three times (salts a, a, b); reports what the PRF keys could do. */
function run(page: Page, username: string) {
  return page.evaluate(async (username) => {
    const T = (globalThis as any).TwofoldClient;
    const api = T.createApiClient({ baseUrl: '/api/v1' });
    const up = await T.signUp({ api, username, prf: { salt: 'notes-v1' } });
    const a = await T.signIn({ api, prf: { salt: 'notes-v1' } });
    const again = await T.signIn({ api, prf: { salt: 'notes-v1' } });
    const other = await T.signIn({ api, prf: { salt: 'other-v1' } });
    const plain = await T.signIn({ api });
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const open = async (key: CryptoKey | null | undefined, sealed: ArrayBuffer) => {
      if (!key) return null;
      try {
        return new TextDecoder().decode(await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, key, sealed));
      } catch {
        return 'refused';
      }
    };
    const sealed = a.prfKey
      ? await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, a.prfKey, new TextEncoder().encode('secret note'))
      : null;
    return {
      signedUp: typeof up.token === 'string',
      keys: [up.prfKey, a.prfKey, again.prfKey, other.prfKey].map((k) =>
        k === null ? null : k instanceof CryptoKey ? { extractable: k.extractable, algorithm: k.algorithm.name } : 'other',
      ),
      plainHasKey: 'prfKey' in plain,
      sameSalt: sealed ? await open(again.prfKey, sealed) : null,
      registrationKey: sealed ? await open(up.prfKey, sealed) : null,
      otherSalt: sealed ? await open(other.prfKey, sealed) : null,
    };
  }, username);
}

test.describe('PRF extension in Chromium', () => {
  test('derives the same non-extractable key for the same salt (at registration and sign-in), another for another salt, and never sends the output', async ({
    newDevice,
  }) => {
    const { page, verifyBodies } = await clientPage(newDevice, true);
    const result = await run(page, uniqueName('prf'));
    expect(result.signedUp).toBe(true);
    expect(result.keys).toEqual(Array(4).fill({ extractable: false, algorithm: 'AES-GCM' }));
    expect(result.plainHasKey).toBe(false);
    expect(result.sameSalt).toBe('secret note');
    expect(result.registrationKey).toBe('secret note');
    expect(result.otherSalt).toBe('refused');
    expect(verifyBodies).toHaveLength(5);
    for (const body of verifyBodies) expect(JSON.parse(body).response.clientExtensionResults).not.toHaveProperty('prf');
  });

  test('signs up and in without PRF support, with prfKey null', async ({ newDevice }) => {
    const { page } = await clientPage(newDevice, false);
    const result = await run(page, uniqueName('noprf'));
    expect(result.signedUp).toBe(true);
    expect(result.keys).toEqual([null, null, null, null]);
    expect(result.sameSalt).toBeNull();
  });
});

test.describe('automatic passkey upgrade (conditional create) in Chromium', () => {
  test('is an offer: where the browser creates nothing it resolves null without an error, and an abort withdraws it', async ({
    newDevice,
  }) => {
    const { page, authenticator } = await clientPage(newDevice, false);
    const result = await page.evaluate(async (username) => {
      const T = (globalThis as any).TwofoldClient;
      const api = T.createApiClient({ baseUrl: '/api/v1' });
      // any creation options will do: Chromium's virtual authenticator never completes a
      // conditional create (it waits for a password-manager sign-in that never comes)
      const { options } = await api.request('POST', '/passkeys/register/options', { body: { username } });
      const capabilities = await (PublicKeyCredential as any).getClientCapabilities();
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 1500);
      const started = Date.now();
      const offered = await T.upgradeToPasskey({ optionsJSON: options, signal: controller.signal });
      const waited = Date.now() - started;
      const saved = (globalThis as any).PublicKeyCredential;
      delete (globalThis as any).PublicKeyCredential; // a browser without WebAuthn
      const unsupported = await T.upgradeToPasskey({ optionsJSON: options });
      (globalThis as any).PublicKeyCredential = saved;
      return { conditionalCreate: capabilities.conditionalCreate, offered, waited, unsupported };
    }, uniqueName('upgrade'));
    expect(result.conditionalCreate).toBe(true);
    expect(result.offered).toBeNull();
    expect(result.waited).toBeGreaterThanOrEqual(1400); // it did wait for the browser until the abort
    expect(result.unsupported).toBeNull();
    expect(await authenticator.credentials()).toHaveLength(0);
  });
});
