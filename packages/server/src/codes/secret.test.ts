import { describe, expect, it } from 'vitest';
import { createKeyring, generateSealingKey, parseKeyring } from '../sealing/keyring.js';
import { constantTimeEqual } from '../util/compare.js';
import { hashCode, newCode, normalizeCode } from './secret.js';

describe('code secrets', () => {
  it('short codes are 8 digits; long and link codes carry 128 bits (base64url)', () => {
    for (let i = 0; i < 50; i++) expect(newCode('short')).toMatch(/^\d{8}$/);
    expect(newCode('long')).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(newCode('link')).not.toBe(newCode('link'));
  });

  it('ignores spaces and dashes in short codes only', () => {
    expect(normalizeCode('short', '1234 56-78')).toBe('12345678');
    expect(normalizeCode('long', '  ab-cd ')).toBe('ab-cd');
  });

  it('hashes bind the code to its user, type and purpose, keyed by the active secret key', async () => {
    const keyring = createKeyring(parseKeyring(generateSealingKey('k1')));
    const input = { purpose: 'add_credential', type: 'short' as const, userId: 'u1', code: '12345678' };
    const a = await hashCode(keyring, input);
    expect(a.keyId).toBe('k1');
    expect((await hashCode(keyring, input, 'k1')).hash).toBe(a.hash);
    expect((await hashCode(keyring, { ...input, userId: 'u2' })).hash).not.toBe(a.hash);
    expect((await hashCode(keyring, { ...input, type: 'long' })).hash).not.toBe(a.hash);
    // Without secret keys it is an unkeyed SHA-256, marked as such.
    expect((await hashCode(undefined, input)).keyId).toBe('none');
    expect((await hashCode(undefined, input)).hash).not.toBe(a.hash);
  });

  it('compares in constant time per length', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
  });
});
