import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { addPasskey, signUp, useTestApp } from '../helpers/app.js';
import { openPGlite } from '../helpers/backends.js';

// Issue 13 items 1 and 10: credential changes need a passkey authentication at most 5 minutes
// old; a token never claims a factor the user did not just perform.

const app = useTestApp(openPGlite);

const removeDevice = (deviceId: string, token: string) => app.call('DELETE', `/me/devices/${deviceId}`, undefined, { token });
const setPin = (pin: string, token: string) => app.call('PUT', '/me/pin', { pin }, { token });

describe('step-up rules for credential changes', () => {
  it('a PIN-only or face-only session can neither add a passkey nor remove a device', async () => {
    const user = await signUp(app);
    for (const amr of [['pin'], ['face'], ['code']] as const) {
      const token = await app.twofold.tokens.issue({ userId: user.userId, amr: [...amr] });
      const added = await addPasskey(app, token);
      expect(added.status, amr[0]).toBe(403);
      expect(added.json.code).toBe('REAUTHENTICATION_REQUIRED');
      expect((await removeDevice(user.deviceId, token)).json.code).toBe('REAUTHENTICATION_REQUIRED');
    }
    expect((await app.call('GET', '/me/devices', undefined, { token: user.token })).json.devices).toHaveLength(1);
  });

  it('a passkey session older than 5 minutes cannot either', async () => {
    const user = await signUp(app);
    app.clock.advance(301);
    expect((await addPasskey(app, user.token)).json.code).toBe('REAUTHENTICATION_REQUIRED');
    expect((await removeDevice(user.deviceId, user.token)).json.code).toBe('REAUTHENTICATION_REQUIRED');
  });

  it('adding a passkey carries the session forward: no fresh amr ["passkey"], and its age keeps counting', async () => {
    const user = await signUp(app);
    const signedInAt = decodeJwt(user.token).iat!;
    app.clock.advance(200);
    const added = await addPasskey(app, user.token);
    expect(added.status).toBe(200);
    const claims = decodeJwt(added.json.token);
    expect(claims.amr).toEqual(['passkey']);
    expect(claims.auth_times).toEqual({ passkey: signedInAt }); // when the passkey sign-in happened, not now
    // 150 s later the new token is 350 s past its passkey: too old for another change.
    app.clock.advance(150);
    expect((await removeDevice(added.json.deviceId, added.json.token)).json.code).toBe('REAUTHENTICATION_REQUIRED');
  });

  it('a face or code session cannot replace the PIN; a fresh passkey can', async () => {
    const user = await signUp(app);
    expect((await setPin('2580', user.token)).status).toBe(204);
    for (const amr of [['face'], ['code'], ['code', 'face']] as const) {
      const token = await app.twofold.tokens.issue({ userId: user.userId, amr: [...amr] });
      expect((await setPin('7391', token)).json.code, amr.join('+')).toBe('REAUTHENTICATION_REQUIRED');
    }
    expect((await setPin('7391', user.token)).status).toBe(204);
  });

  it('a token without auth_times (or with a time after its issue) grants no freshness', async () => {
    const user = await signUp(app);
    const claims = await app.twofold.tokens.verify({ token: user.token });
    expect(claims.authTimes.passkey).toEqual(claims.authTime);
    const pinOnly = await app.twofold.tokens.verify({ token: await app.twofold.tokens.issue({ userId: user.userId, amr: ['pin'] }) });
    expect(pinOnly.authTimes).toEqual({ pin: pinOnly.authTime });
  });

  it('removing the only passkey needs a recovery method or an explicit confirmation', async () => {
    const user = await signUp(app);
    const refused = await removeDevice(user.deviceId, user.token);
    expect(refused.status).toBe(409);
    expect(refused.json.code).toBe('LAST_PASSKEY');
    expect((await app.call('GET', '/me/devices', undefined, { token: user.token })).json.devices).toHaveLength(1);
    expect((await app.call('DELETE', `/me/devices/${user.deviceId}?confirm=last-passkey`, undefined, { token: user.token })).status).toBe(
      204,
    );
    // With a second passkey the first goes without confirmation.
    const other = await signUp(app);
    const added = await addPasskey(app, other.token);
    expect((await removeDevice(other.deviceId, added.json.token)).status).toBe(204);
  });
});
