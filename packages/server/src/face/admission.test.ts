import { describe, expect, it } from 'vitest';
import { createFaceAdmission } from './admission.js';

describe('face admission by expected wait', () => {
  it('admits while the answer is expected within the bound, then refuses with Retry-After', () => {
    const gate = createFaceAdmission({ threads: 2, maxWaitMs: 3000, initialMsPerFrame: 300 });
    // 4 frames on 2 threads: 2 rounds of 300 ms. Admitted until (queued + 4) / 2 rounds exceed 10.
    const tickets = [gate.admit(4), gate.admit(4), gate.admit(4), gate.admit(4)];
    expect(gate.queuedFrames).toBe(16);
    expect(gate.expectedWaitMs(4)).toBe(3000);
    tickets.push(gate.admit(4));
    let busy: unknown;
    try {
      gate.admit(4);
    } catch (error) {
      busy = error;
    }
    expect(busy).toMatchObject({ code: 'FACE_BUSY', extensions: { retryAfterSeconds: 1 } });
    tickets[0]!.cancel();
    expect(() => gate.admit(4).cancel()).not.toThrow();
  });

  it('always admits a check when nothing is queued, however slow the frames were', () => {
    const gate = createFaceAdmission({ threads: 1, maxWaitMs: 100, initialMsPerFrame: 5000 });
    const t = gate.admit(8);
    expect(() => gate.admit(1)).toThrow(/busy/);
    t.cancel();
    expect(gate.queuedFrames).toBe(0);
  });

  it('a ticket holds its place until its task settles, once; cancelling after running is a no-op', async () => {
    const gate = createFaceAdmission({ threads: 1 });
    const t = gate.admit(4);
    let release!: () => void;
    const running = t.run(() => new Promise<void>((r) => (release = r)));
    t.cancel();
    expect(gate.queuedFrames).toBe(4);
    await expect(t.run(async () => 1)).rejects.toThrow(/used twice/);
    release();
    await running;
    expect(gate.queuedFrames).toBe(0);
    await expect(gate.admit(2).run(async () => Promise.reject(new Error('model crashed')))).rejects.toThrow('model crashed');
    expect(gate.queuedFrames).toBe(0);
  });

  it('learns the cost per frame, ignoring absurd measurements (fail closed on NaN)', () => {
    const gate = createFaceAdmission({ threads: 1, initialMsPerFrame: 100 });
    for (const bad of [Number.NaN, -5, Number.POSITIVE_INFINITY, 1e9]) gate.observe(bad);
    expect(gate.expectedWaitMs(1)).toBe(100);
    for (let i = 0; i < 50; i++) gate.observe(400);
    expect(gate.expectedWaitMs(1)).toBeCloseTo(400, 0);
  });
});
