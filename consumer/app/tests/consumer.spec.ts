import pg from 'pg';
import { expect, test } from '@twofold/testing/playwright';

test('a customer signs up, signs out and signs in again with the passkey; the bank sees the device', async ({
  page,
  authenticator,
  twofold,
}) => {
  const username = `ada${Date.now().toString(36)}`;
  await page.goto('/');
  await page.locator('#username').fill(username);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.locator('#status')).toHaveText('Account created');
  // The bank's own API accepted the Twofold session token.
  await expect(page.locator('#title')).toHaveText(`Hello, ${username}`);
  await expect(page.locator('#devices li')).toHaveText([/^passkey: /]);

  const userId = await page.evaluate(
    () => (JSON.parse(sessionStorage.getItem('twofold.session') ?? 'null') as { userId: string } | null)?.userId,
  );
  expect(userId).toBeTruthy();
  await expect(authenticator).toHaveCredentialFor(userId!);
  await expect(twofold).toHaveDevice({ userId: userId!, type: 'passkey', count: 1 });

  const token = await page.evaluate(() => (JSON.parse(sessionStorage.getItem('twofold.session')!) as { token: string }).token);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.locator('#status')).toHaveText('Signed out');
  await expect(page.locator('#title')).toHaveText('Welcome');
  // The signed-out token no longer opens the bank's API.
  expect((await page.request.get('/api/me', { headers: { authorization: `Bearer ${token}` } })).status()).toBe(401);

  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await expect(page.locator('#status')).toHaveText('Signed in');
  await expect(page.locator('#title')).toHaveText(`Hello, ${username}`);
  await expect(page.locator('#devices li')).toHaveCount(1);
});

test("Twofold's tables sit in their own schema beside the bank's `public.users`, which is untouched", async () => {
  const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  try {
    const bank = await db.query<{ email: string }>('SELECT email FROM public.users ORDER BY id');
    expect(bank.rows.map((r) => r.email)).toEqual(['founder@acme.test']);
    const tables = await db.query<{ table_schema: string }>(
      "SELECT table_schema FROM information_schema.tables WHERE table_name = 'devices'",
    );
    expect(tables.rows.map((r) => r.table_schema)).toEqual(['twofold']);
  } finally {
    await db.end();
  }
});
