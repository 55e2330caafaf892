import { Hono } from 'hono';
import * as s from '@twofold/protocol/schemas';
import { actor } from '../audit/index.js';
import type { TwofoldContext } from '../context.js';
import { getPinStatus } from '../pins/index.js';
import type { RouteKit, TwofoldEnv } from '../routing.js';
import { createUser, getUser, retrieveUser } from './users.js';

/** `POST /users`, `POST /users/retrieve` (service) and `GET /me` (user). */
export function usersRoutes(ctx: TwofoldContext, kit: RouteKit) {
  return new Hono<TwofoldEnv>()
    .post('/users', kit.scope('users.create'), async (c) => {
      const input = await kit.json(c, s.createUserBody);
      const user = await createUser(ctx, { ...input, actor: actor.service(c.var.apiKey.id) });
      return c.json({ userId: user.userId, username: user.username, displayName: user.displayName }, 201);
    })
    .post('/users/retrieve', kit.scope('users.retrieve'), async (c) =>
      c.json(await retrieveUser(ctx, await kit.json(c, s.retrieveUserBody))),
    )
    .get('/me', kit.session, async (c) => {
      const { userId, amr } = c.var.session;
      const user = await getUser(ctx, { userId });
      return c.json({ ...user, amr, pin: await getPinStatus(ctx, { userId }) });
    });
}
