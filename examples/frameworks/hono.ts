/**
 * Hono: the Fetch handler needs no adapter. `app.mount` strips its path by default: keep the
 * request as it came (`replaceRequest: false`), since the handler routes on its own base path.
 * On Node, serve the app with `serve` of `@twofold/server/node` (or `toNodeListener(app.fetch)`),
 * so that `clientAddress` knows each request's socket address.
 */
import { Hono } from 'hono';
import type { Twofold } from '@twofold/server';

export function createHonoApp(twofold: Twofold): Hono {
  const app = new Hono();
  app.mount('/api/v1', twofold.handler, { replaceRequest: false });
  app.get('/', (c) => c.text('Your app, with Twofold under /api/v1'));
  return app;
}
