import { Hono } from 'hono';
import type { TwofoldContext } from '../context.js';
import type { RouteKit, TwofoldEnv } from '../routing.js';
import { listEvents } from './audit.js';

/** `GET /me/events`: the signed-in user's recent security events ("was this you?"). */
export function auditRoutes(ctx: TwofoldContext, kit: RouteKit) {
  return new Hono<TwofoldEnv>().get('/me/events', kit.session, async (c) => {
    const events = await listEvents(ctx, { userId: c.var.session.userId, limit: 50 });
    return c.json({ events: events.map((e) => ({ id: e.id, type: e.type, at: e.at.toISOString(), deviceId: e.deviceId, data: e.data })) });
  });
}
