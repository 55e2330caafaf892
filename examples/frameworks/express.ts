/** Express 5: Twofold at `/api/v1`, before or after `express.json()`. */
import express from 'express';
import type { Twofold } from '@twofold/server';
import { toNodeListener } from '@twofold/server/node';

export interface ExpressAppOptions {
  /** Mount `express.json()` for the whole app before Twofold (as many apps already do). */
  jsonFirst?: boolean;
  /** Where to mount Twofold: the handler's base path. Default `/api/v1`. */
  mountPath?: string;
}

export function createExpressApp(twofold: Twofold, options: ExpressAppOptions = {}): express.Express {
  const app = express();
  if (options.jsonFirst) app.use(express.json());
  app.use(options.mountPath ?? '/api/v1', toNodeListener(twofold.handler));
  app.get('/', (_req, res) => {
    res.send('Your app, with Twofold under /api/v1');
  });
  return app;
}
