/**
 * `@twofold/testing/clock` — a server clock that end-to-end tests move forward, so they check
 * expiry (challenges, codes, transactions) without sleeping. Test hosts only: it is not part of
 * `@twofold/server`, and `twofold serve` refuses `TWOFOLD_UNSAFE_TEST_CLOCK`.
 */

/** What the clock needs of the app it mounts on: a Hono app fits (`app.post(path, (c) => …)`). */
export interface TestClockApp {
  post(path: '/__test__/clock', handler: (c: { req: { raw: Request } }) => Promise<Response>): unknown;
}

export interface MountTestClockOptions {
  /** The app that gets `POST /__test__/clock`. */
  app: TestClockApp;
  /** Where the warning goes. Default `console.log`. */
  log?: (line: string) => void;
}

/**
 * Testing only: mounts `POST /__test__/clock` `{"advanceSeconds": n}`, which moves the returned
 * clock forward (answering `{"now": ISO time}`, or 400 for anything but a finite n ≥ 0). Pass
 * the clock as `createTwofold({ now })`. Anyone who can reach the route can move the clock:
 * never in production.
 * @example const now = process.env.TWOFOLD_UNSAFE_TEST_CLOCK === 'true' ? mountTestClock({ app }) : undefined;
 */
export function mountTestClock({ app, log = console.log }: MountTestClockOptions): () => Date {
  let offsetMs = 0;
  app.post('/__test__/clock', async (c) => {
    const { advanceSeconds } = ((await c.req.raw.json().catch(() => ({}))) ?? {}) as { advanceSeconds?: unknown };
    if (typeof advanceSeconds !== 'number' || !Number.isFinite(advanceSeconds) || advanceSeconds < 0) {
      return Response.json({ error: 'advanceSeconds must be a non-negative number' }, { status: 400 });
    }
    offsetMs += advanceSeconds * 1000;
    return Response.json({ now: new Date(Date.now() + offsetMs).toISOString() });
  });
  log("WARNING: TWOFOLD_UNSAFE_TEST_CLOCK is on: anyone can move this server's clock. For tests only.");
  return () => new Date(Date.now() + offsetMs);
}
