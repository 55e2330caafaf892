import { credentialIdToBase64Url } from '@twofold/testing';
import { createTestAuthenticator } from '@twofold/testing/playwright';
import { apiKey, baseUrl, deviceRows, expect, signUpInDemo, test } from './fixtures.js';

// The WebAuthn Signal API (WebAuthn L3 §5.1.10) against Chromium's virtual authenticator, which
// acts on signals: it deletes credentials and updates the names it shows.
async function service(method: string, path: string, body?: unknown) {
  const res = await fetch(`${baseUrl()}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${apiKey()}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: res.status === 204 ? null : ((await res.json()) as any) };
}

test.describe('Signal API in Chromium with a virtual authenticator', () => {
  test('the browser reports the signals as supported', async ({ device }) => {
    const { page } = await device();
    const capabilities = await page.evaluate(async () => (PublicKeyCredential as any).getClientCapabilities());
    expect(capabilities).toMatchObject({
      signalAllAcceptedCredentials: true,
      signalCurrentUserDetails: true,
      signalUnknownCredential: true,
    });
  });

  test('a passkey the backend removed leaves the authenticator when the user next lists devices', async ({ device }) => {
    const { page, authenticator } = await device();
    const username = await signUpInDemo(page, undefined, 'Backend Removal');
    expect(await authenticator.credentials()).toHaveLength(1);
    const { json: user } = await service('POST', '/users/retrieve', { username });
    const { json: listed } = await service('GET', `/users/${user.userId}/devices`);
    expect((await service('DELETE', `/users/${user.userId}/devices/${listed.devices[0].id}`)).status).toBe(204);

    await page.reload(); // the account page lists the devices again
    await expect.poll(() => deviceRows(page).count(), { timeout: 15_000 }).toBe(0);
    await expect.poll(() => authenticator.credentials().then((c) => c.length), { timeout: 15_000 }).toBe(0);
  });

  test('a passkey that still shows old names is brought up to date (signalCurrentUserDetails)', async ({ device }) => {
    const { page, authenticator } = await device();
    const username = await signUpInDemo(page, undefined, 'Current Name');
    // The names an authenticator shows are a CDP-only detail: through the cdp back-end's handle.
    const cdp = authenticator.cdp!;
    const [credential] = await cdp.getCredentials();
    await cdp.removeCredential(credential!.credentialId);
    await cdp.addCredential({ ...credential!, userName: 'old-name', userDisplayName: 'Old Name' });

    await page.reload();
    await expect.poll(() => deviceRows(page).count(), { timeout: 15_000 }).toBe(1);
    await expect
      .poll(async () => (await cdp.getCredentials()).map((c) => [c.userName, c.userDisplayName]), { timeout: 15_000 })
      .toEqual([[username.toLowerCase(), 'Current Name']]);
    // the accepted-credentials signal kept the one passkey the server knows
    expect(credentialIdToBase64Url((await cdp.getCredentials())[0]!.credentialId)).toBe(credentialIdToBase64Url(credential!.credentialId));
  });
});

test.describe('passkey facts in the demo', () => {
  test('badges a device-bound passkey "device-bound" and a synced one "synced passkey"; "Add a security key" sends the hint', async ({
    device,
  }) => {
    const { page, authenticator } = await device();
    await signUpInDemo(page, undefined, 'Badges');
    await expect.poll(() => deviceRows(page).first().textContent(), { timeout: 15_000 }).toContain('device-bound');

    // A synced passkey provider (BE and BS set), added with the security-key hint.
    await authenticator.remove();
    await createTestAuthenticator({ page, virtual: { backupEligible: true, backedUp: true } });
    const sent = page.waitForRequest((r) => r.url().endsWith('/passkeys/register/options'));
    const answered = page.waitForResponse((r) => r.url().endsWith('/passkeys/register/options'));
    await page.getByRole('button', { name: 'Add a security key' }).click();
    expect((await sent).postDataJSON()).toEqual({ hints: ['security-key'] });
    expect((await (await answered).json()).options.hints).toEqual(['security-key']);
    await expect.poll(() => deviceRows(page).count(), { timeout: 15_000 }).toBe(2);
    expect(await deviceRows(page).nth(1).textContent()).toContain('synced passkey');
    expect(await deviceRows(page).nth(1).textContent()).toContain('Security key');
  });
});
