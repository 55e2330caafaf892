/** Koa 3: Twofold answers under `/api/v1`, everything else goes on down the stack. */
import Koa from 'koa';
import { bodyParser } from '@koa/bodyparser';
import type { Twofold } from '@twofold/server';
import { toKoaMiddleware } from '@twofold/server/node';

export function createKoaApp(twofold: Twofold): Koa {
  const app = new Koa();
  app.use(bodyParser()); // an app-wide body parser: Twofold rebuilds the body from ctx.request.rawBody
  app.use(toKoaMiddleware(twofold.handler));
  app.use((ctx) => {
    ctx.body = 'Your app, with Twofold under /api/v1';
  });
  return app;
}
