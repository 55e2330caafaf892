import { describe, expect, it } from 'vitest';
import { readSettings } from './settings.js';

describe('readSettings', () => {
  it('TWOFOLD_FACE_ACTIONS needs at least two distinct known actions', () => {
    for (const actions of ['turn_left', 'turn_left,turn_left', 'turn_left, turn_left']) {
      expect(() => readSettings({ env: { TWOFOLD_FACE_ACTIONS: actions } }), actions).toThrow(/at least two distinct actions/);
    }
    expect(() => readSettings({ env: { TWOFOLD_FACE_ACTIONS: 'turn_left,nod' } })).toThrow(/unknown action "nod"/);
    const settings = readSettings({ env: { TWOFOLD_FACE_ACTIONS: 'turn_left,move_closer' } });
    expect(settings.faceActions).toEqual(['turn_left', 'move_closer']);
  });
});
