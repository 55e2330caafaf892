import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { mountTestClock } from './test-clock.js';

describe('mountTestClock', () => {
  it('moves the clock by POST /__test__/clock on a Hono app, refuses bad amounts', async () => {
    const app = new Hono();
    const lines: string[] = [];
    const now = mountTestClock({ app, log: (l) => lines.push(l) });
    expect(lines[0]).toMatch(/For tests only/);
    const before = now().getTime();
    const post = (body: string) =>
      app.request('/__test__/clock', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const moved = await post(JSON.stringify({ advanceSeconds: 301 }));
    expect(moved.status).toBe(200);
    const { now: reported } = (await moved.json()) as { now: string };
    expect(now().getTime() - before).toBeGreaterThanOrEqual(301_000);
    expect(Math.abs(new Date(reported).getTime() - now().getTime())).toBeLessThan(1000);
    for (const bad of ['{"advanceSeconds": -1}', '{"advanceSeconds": "1"}', '{}', 'not json', 'null', '{"advanceSeconds": 1e400}']) {
      expect((await post(bad)).status).toBe(400);
    }
    expect(now().getTime() - before).toBeLessThan(302_000);
  });
});
