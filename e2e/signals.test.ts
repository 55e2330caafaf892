import { addVirtualAuthenticator, credentialIdToBase64Url } from '@twofold/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { baseUrl, deviceRows, launch, newDevice, signUpInDemo } from './helpers.js';

// The WebAuthn Signal API (WebAuthn L3 §5.1.10) against Chromium's virtual authenticator, which
// acts on signals: it deletes credentials and updates the names it shows.
let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(() => browser?.close());

async function service(method: string, path: string, body?: unknown) {
  const res = await fetch(`${baseUrl()}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${inject('apiKey')}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: res.status === 204 ? null : ((await res.json()) as any) };
}

describe('Signal API in Chromium with a virtual authenticator', () => {
  it('the browser reports the signals as supported', async () => {
    const { page, context } = await newDevice(browser);
    const capabilities = await page.evaluate(async () => (PublicKeyCredential as any).getClientCapabilities());
    expect(capabilities).toMatchObject({ signalAllAcceptedCredentials: true, signalCurrentUserDetails: true, signalUnknownCredential: true });
    await context.close();
  });

  it('a passkey the backend removed leaves the authenticator when the user next lists devices', async () => {
    const { page, authenticator, context } = await newDevice(browser);
    const username = await signUpInDemo(page, undefined, 'Backend Removal');
    expect(await authenticator.getCredentials()).toHaveLength(1);
    const { json: user } = await service('POST', '/users/retrieve', { username });
    const { json: listed } = await service('GET', `/users/${user.userId}/devices`);
    expect((await service('DELETE', `/users/${user.userId}/devices/${listed.devices[0].id}`)).status).toBe(204);

    await page.reload(); // the account page lists the devices again
    await expect.poll(() => deviceRows(page).count(), { timeout: 15_000 }).toBe(0);
    await expect.poll(() => authenticator.getCredentials().then((c) => c.length), { timeout: 15_000 }).toBe(0);
    await context.close();
  });

  it('a passkey that still shows old names is brought up to date (signalCurrentUserDetails)', async () => {
    const { page, authenticator, context } = await newDevice(browser);
    const username = await signUpInDemo(page, undefined, 'Current Name');
    const [credential] = await authenticator.getCredentials();
    await authenticator.removeCredential(credential!.credentialId);
    await authenticator.addCredential({ ...credential!, userName: 'old-name', userDisplayName: 'Old Name' });

    await page.reload();
    await expect.poll(() => deviceRows(page).count(), { timeout: 15_000 }).toBe(1);
    await expect
      .poll(async () => (await authenticator.getCredentials()).map((c) => [c.userName, c.userDisplayName]), { timeout: 15_000 })
      .toEqual([[username.toLowerCase(), 'Current Name']]);
    // the accepted-credentials signal kept the one passkey the server knows
    expect(credentialIdToBase64Url((await authenticator.getCredentials())[0]!.credentialId)).toBe(credentialIdToBase64Url(credential!.credentialId));
    await context.close();
  });
});

describe('passkey facts in the demo', () => {
  it('badges a device-bound passkey "device-bound" and a synced one "synced passkey"; "Add a security key" sends the hint', async () => {
    const { page, authenticator, context } = await newDevice(browser);
    await signUpInDemo(page, undefined, 'Badges');
    await expect.poll(() => deviceRows(page).first().textContent(), { timeout: 15_000 }).toContain('device-bound');

    // A synced passkey provider (BE and BS set), added with the security-key hint.
    await authenticator.remove();
    await addVirtualAuthenticator(page, { backupEligible: true, backedUp: true });
    const sent = page.waitForRequest((r) => r.url().endsWith('/passkeys/register/options'));
    const answered = page.waitForResponse((r) => r.url().endsWith('/passkeys/register/options'));
    await page.getByRole('button', { name: 'Add a security key' }).click();
    expect((await sent).postDataJSON()).toEqual({ hints: ['security-key'] });
    expect((await (await answered).json()).options.hints).toEqual(['security-key']);
    await expect.poll(() => deviceRows(page).count(), { timeout: 15_000 }).toBe(2);
    expect(await deviceRows(page).nth(1).textContent()).toContain('synced passkey');
    expect(await deviceRows(page).nth(1).textContent()).toContain('Security key');
    await context.close();
  });
});
