import type { Hono } from 'hono';

export interface MountTestClockOptions {
  /** The app that gets `POST /__test__/clock`. */
  app: Hono;
  /** Where the warning goes. Default `console.log`. */
  log?: (line: string) => void;
}

/**
 * Testing only (TWOFOLD_UNSAFE_TEST_CLOCK=true): mounts `POST /__test__/clock`
 * `{"advanceSeconds": n}`, which moves the returned clock forward, so end-to-end tests check
 * expiry without sleeping. Pass the clock as `createTwofold({ now })`. Anyone who can reach the
 * route can move the clock: never in production.
 */
export function mountTestClock({ app, log = console.log }: MountTestClockOptions): () => Date {
  let offsetMs = 0;
  app.post('/__test__/clock', async (c) => {
    const { advanceSeconds } = (await c.req.json().catch(() => ({}))) as { advanceSeconds?: unknown };
    if (typeof advanceSeconds !== 'number' || !Number.isFinite(advanceSeconds) || advanceSeconds < 0) {
      return c.json({ error: 'advanceSeconds must be a non-negative number' }, 400);
    }
    offsetMs += advanceSeconds * 1000;
    return c.json({ now: new Date(Date.now() + offsetMs).toISOString() });
  });
  log('WARNING: TWOFOLD_UNSAFE_TEST_CLOCK is on: anyone can move this server\'s clock. For tests only.');
  return () => new Date(Date.now() + offsetMs);
}
