import { describe, expect, it } from 'vitest';
import { getAuthenticatorIcon } from './authenticator-icons.js';

const GOOGLE_PASSWORD_MANAGER = 'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4';

describe('getAuthenticatorIcon', () => {
  it('gives the light and dark SVG data URIs of a known authenticator', async () => {
    const light = await getAuthenticatorIcon({ aaguid: GOOGLE_PASSWORD_MANAGER });
    const dark = await getAuthenticatorIcon({ aaguid: GOOGLE_PASSWORD_MANAGER.toUpperCase(), theme: 'dark' });
    expect(light).toMatch(/^data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+$/);
    expect(dark).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(atob(light!.slice(26))).toContain('<svg');
  });

  it('gives null for unknown and all-zero AAGUIDs and inherited names', async () => {
    expect(await getAuthenticatorIcon({ aaguid: '00000000-0000-0000-0000-000000000000' })).toBeNull();
    expect(await getAuthenticatorIcon({ aaguid: '01020304-0506-0708-090a-0b0c0d0e0f10' })).toBeNull();
    expect(await getAuthenticatorIcon({ aaguid: 'constructor' })).toBeNull();
  });
});
