import { describe, expect, it } from 'vitest';
import { AAGUID_NAMES } from './aaguid-names.js';
import { authenticatorModel, ZERO_AAGUID } from './authenticators.js';

describe('authenticatorModel', () => {
  it('names known AAGUIDs from the vendored list, in any case', () => {
    expect(authenticatorModel('ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4')).toEqual({ name: 'Google Password Manager' });
    expect(authenticatorModel('EA9B8D66-4D01-1D21-3CE4-B6B48CB575D4')).toEqual({ name: 'Google Password Manager' });
  });

  it('knows nothing of the zero AAGUID, unknown ones, or inherited property names', () => {
    expect(authenticatorModel(ZERO_AAGUID)).toBeUndefined();
    expect(authenticatorModel('01020304-0506-0708-090a-0b0c0d0e0f10')).toBeUndefined();
    expect(authenticatorModel('constructor')).toBeUndefined();
    expect(authenticatorModel('__proto__')).toBeUndefined();
  });

  it('vendors a list that is not empty and holds only well-formed entries', () => {
    const entries = Object.entries(AAGUID_NAMES);
    expect(entries.length).toBeGreaterThan(20);
    for (const [aaguid, name] of entries) {
      expect(aaguid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(name.length).toBeGreaterThan(0);
      expect(name.length).toBeLessThanOrEqual(64);
    }
  });
});
