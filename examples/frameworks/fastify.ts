/** Fastify 5: Twofold as an encapsulated plugin under `/api/v1`. */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Twofold } from '@twofold/server';
import { clientErrorListener, toFastifyPlugin } from '@twofold/server/node';

export async function createFastifyApp(twofold: Twofold): Promise<FastifyInstance> {
  const app = Fastify({ clientErrorHandler: clientErrorListener });
  await app.register(toFastifyPlugin(twofold.handler), { prefix: '/api/v1' });
  app.get('/', async () => 'Your app, with Twofold under /api/v1');
  // Your own JSON routes keep Fastify's parsers: the plugin only changes them inside itself.
  app.post('/echo', async (request) => request.body);
  return app;
}
