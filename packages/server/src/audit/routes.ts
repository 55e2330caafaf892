import { Hono } from 'hono';
import * as s from '@twofold/protocol/schemas';
import type { TwofoldContext } from '../context.js';
import type { RouteKit, TwofoldEnv } from '../routing.js';
import { pageEvents } from './audit.js';

/**
 * `GET /me/events?limit=&before=&types=`: the signed-in user's security events ("was this
 * you?"), newest first, one page at a time (`nextCursor`), optionally of some types only.
 */
export function auditRoutes(ctx: TwofoldContext, kit: RouteKit) {
  return new Hono<TwofoldEnv>().get('/me/events', kit.session, async (c) => {
    const query = kit.query(c, s.listEventsQuery);
    const page = await pageEvents(ctx, {
      userId: c.var.session.userId,
      limit: query.limit ?? 50,
      ...(query.before !== undefined && { before: query.before }),
      ...(query.types !== undefined && { types: query.types }),
    });
    return c.json({
      events: page.events.map((e) => ({ id: e.id, type: e.type, at: e.at.toISOString(), deviceId: e.deviceId, data: e.data })),
      nextCursor: page.next,
    });
  });
}
