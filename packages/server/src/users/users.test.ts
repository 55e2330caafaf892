import { describe, expect, it } from 'vitest';
import { newUserId, normalizeUsername } from './users.js';

describe('users', () => {
  it('normalizes usernames (NFKC, trim, lower case) so look-alikes are one account', () => {
    expect(normalizeUsername(' Ada ')).toBe('ada');
    expect(normalizeUsername('Ａｄａ')).toBe('ada');
  });
  it('user ids are 16 random bytes, base64url (the WebAuthn user handle)', () => {
    expect(newUserId()).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(newUserId()).not.toBe(newUserId());
  });
});
