import { describe, expect, it } from 'vitest';
import { isWeakPin } from './pins.js';

describe('isWeakPin', () => {
  it('refuses one digit repeated and runs up or down (wrapping)', () => {
    for (const pin of ['0000', '1111', '1234', '4321', '9876', '7890', '8901', '012345678901']) expect(isWeakPin(pin), pin).toBe(true);
  });
  it('accepts anything else', () => {
    for (const pin of ['7391', '1235', '1122', '2580', '13579']) expect(isWeakPin(pin), pin).toBe(false);
  });
});
