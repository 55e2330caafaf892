import { describe, expect, it } from 'vitest';
import { closestTemplate, type TemplateCandidate } from './match.js';

const face = (x: number): number[] => Array.from({ length: 128 }, (_, i) => (i === 0 ? x : 0));
const candidate = (deviceId: string, template: number[]): TemplateCandidate => ({ deviceId, template, temporary: false });

describe('closestTemplate', () => {
  it('picks the closest candidate and matches within the threshold (inclusive)', () => {
    const r = closestTemplate(face(0), [candidate('far', face(0.9)), candidate('near', face(0.3))], 0.3);
    expect(r.best.deviceId).toBe('near');
    expect(r.best.distance).toBeCloseTo(0.3);
    expect(r.matched).toBe(true);
    expect(closestTemplate(face(0), [candidate('a', face(0.31))], 0.3).matched).toBe(false);
  });

  it('fails closed: a NaN or infinite distance never matches', () => {
    // Huge values overflow to Infinity / NaN in the distance; every `>` check with NaN is false.
    expect(closestTemplate(face(1e200), [candidate('a', face(0))], 0.6).matched).toBe(false);
    expect(closestTemplate(face(Number.NaN), [candidate('a', face(0))], 0.6).matched).toBe(false);
    expect(closestTemplate(face(0), [candidate('a', face(Number.POSITIVE_INFINITY))], 0.6).matched).toBe(false);
  });

  it('a NaN candidate does not hide a real match', () => {
    const r = closestTemplate(face(0), [candidate('broken', face(Number.NaN)), candidate('real', face(0.1))], 0.6);
    expect(r.best.deviceId).toBe('real');
    expect(r.matched).toBe(true);
  });

  it('needs at least one candidate', () => {
    expect(() => closestTemplate(face(0), [], 0.6)).toThrow(RangeError);
  });
});
