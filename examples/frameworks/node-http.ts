/** Plain `node:http`: your own routes, and Twofold for everything under `/api/v1`. */
import { createServer, type Server } from 'node:http';
import type { Twofold } from '@twofold/server';
import { handleClientErrors, toNodeListener } from '@twofold/server/node';

export function createNodeServer(twofold: Twofold): Server {
  const api = toNodeListener(twofold.handler);
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/api/v1/')) return void api(req, res);
    res.end('Your app, with Twofold under /api/v1');
  });
  return handleClientErrors(server); // problem+json for oversized or malformed request heads
}
