import { Hono } from 'hono';
import type { TwofoldContext } from '../context.js';
import type { TwofoldEnv } from '../routing.js';

/** `GET /.well-known/jwks.json`: the public keys that verify session tokens. */
export function tokensRoutes(ctx: TwofoldContext) {
  // Backends may cache the key set briefly. A retired key stays listed for a day, so a cache
  // never misses an old key; a new key is listed at once, and verifiers that refetch on an
  // unknown `kid` (as jose's createRemoteJWKSet does) pick it up immediately.
  return new Hono<TwofoldEnv>().get('/.well-known/jwks.json', async (c) => {
    c.header('cache-control', 'public, max-age=300');
    return c.json(await ctx.tokens.jwks());
  });
}
