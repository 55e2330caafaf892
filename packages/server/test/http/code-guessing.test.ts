import { createSoftAuthenticator } from '@twofold/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSealingKey, parseKeyring } from '../../src/sealing/keyring.js';
import { ORIGIN, signUp, useTestApp } from '../helpers/app.js';
import { storeBackends } from '../helpers/backends.js';

// Issue 13 item 2 (codes): with only a user id, anyone could lock (burn) every live code of a
// type with 5 wrong guesses, and exhaust the user's per-user limit. Now wrong guesses never lock
// a code; long and link codes (128 bits) are limited per address; short codes per (user, address)
// plus a per-user ceiling that backs off, visible in the audit trail.
describe.each(await storeBackends())('strangers guessing codes on %s', (_name, open) => {
  const app = useTestApp(open, {
    secretKeys: parseKeyring(generateSealingKey('k1')),
    http: { clientAddress: (req) => req.headers.get('x-test-address') ?? undefined },
    codes: { userAttempts: { points: 12, durationSeconds: 2 } },
  });
  let support: string;
  beforeAll(async () => {
    support = (await app.twofold.apiKeys.create({ name: 'support', scopes: ['codes.generate'] })).secret;
  });

  const generate = async (userId: string, type: string) =>
    (await app.call('POST', `/codes/${type}/generate`, { userId, purpose: 'add_credential', authorize: true }, { token: support })).json
      .code as string;
  const init = (userId: string, code: string, type: string, address: string) =>
    app.call('POST', '/credentials/fido2/init/code', { userId, code: { code, type } }, { headers: { 'x-test-address': address } });
  async function redeem(userId: string, code: string, type: string, address: string) {
    const started = await init(userId, code, type, address);
    if (started.status !== 200) return started;
    return app.call('POST', '/credentials/fido2/complete', {
      ceremonyId: started.json.ceremonyId,
      response: await createSoftAuthenticator({ origin: ORIGIN }).createCredential(started.json.options),
    });
  }
  const wrongShort = (i: number) => String(20_000_000 + i);

  it('long and link codes survive any number of wrong guesses; each guessing address is limited', async () => {
    const user = await signUp(app);
    const long = await generate(user.userId, 'long');
    const link = await generate(user.userId, 'link');
    for (const [i, address] of ['198.51.100.1', '198.51.100.2', '198.51.100.3'].entries()) {
      for (let n = 0; n < 10; n++)
        expect((await init(user.userId, `wrong-${i}-${n}`, n % 2 ? 'long' : 'link', address)).json.code).toBe('CODE_INVALID');
    }
    // 30 per address per 15 minutes (the default): the 31st guess from one address is refused.
    const noisy = '198.51.100.9';
    for (let n = 0; n < 30; n++) await init(user.userId, `w${n}`, 'long', noisy);
    expect((await init(user.userId, 'w30', 'long', noisy)).json.code).toBe('RATE_LIMITED');
    expect((await redeem(user.userId, long, 'long', '203.0.113.7')).status).toBe(200);
    expect((await redeem(user.userId, link, 'link', '203.0.113.7')).status).toBe(200);
    expect(app.events.filter((e) => e.type === 'code.wrong' && e.userId === user.userId).length).toBeGreaterThanOrEqual(60);
    expect(app.events.some((e) => e.type === 'code.locked' && e.userId === user.userId)).toBe(false);
  });

  it('short codes: a few guesses per (user, address), then a per-user ceiling that backs off — the code is never burned', async () => {
    const user = await signUp(app);
    const code = await generate(user.userId, 'short');
    // 5 per (user, address): the 6th guess from that address is refused, another address goes on.
    for (let n = 0; n < 5; n++) expect((await init(user.userId, wrongShort(n), 'short', '198.51.100.20')).json.code).toBe('CODE_INVALID');
    expect((await init(user.userId, wrongShort(5), 'short', '198.51.100.20')).json.code).toBe('RATE_LIMITED');
    // The per-user ceiling (12 per window here): strangers from many addresses reach it…
    const answers: string[] = [];
    for (let n = 0; n < 8; n++) answers.push((await init(user.userId, wrongShort(10 + n), 'short', `198.51.100.${30 + n}`)).json.code);
    // (the guess refused per address above did not count toward the ceiling)
    expect(answers.slice(0, 7)).toEqual(Array(7).fill('CODE_INVALID'));
    expect(answers.slice(7)).toEqual(['RATE_LIMITED']);
    // …and then the holder waits too (it backs off) — but the code is not burned.
    const held = await init(user.userId, code, 'short', '203.0.113.7');
    expect(held.json.code).toBe('RATE_LIMITED');
    expect(Number(held.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(app.events.filter((e) => e.type === 'code.throttled' && e.userId === user.userId)).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 2_100)); // the window (2 s here) ends
    expect((await redeem(user.userId, code, 'short', '203.0.113.7')).status).toBe(200);
    const codes = await app.store.listCodes({ userId: user.userId, type: 'short', purpose: 'add_credential', limit: 5 });
    expect(codes[0]).toMatchObject({ lockedAt: null, failedAttempts: 0 });
  });

  it('an unknown user id is answered exactly like a known one', async () => {
    const user = await signUp(app);
    for (const type of ['short', 'long'] as const) {
      const unknown = await init('no-such-user', type === 'short' ? '12345678' : 'x'.repeat(22), type, '198.51.100.60');
      const known = await init(user.userId, type === 'short' ? '12345678' : 'x'.repeat(22), type, '198.51.100.61');
      expect(unknown.status).toBe(known.status);
      expect(unknown.json).toEqual(known.json);
    }
  });
});
