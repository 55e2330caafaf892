import { Hono } from 'hono';
import * as s from '@twofold/protocol/schemas';
import { actor } from '../audit/index.js';
import type { TwofoldContext } from '../context.js';
import type { RouteKit, TwofoldEnv } from '../routing.js';
import { requireStepUp } from '../sessions/index.js';
import { listDevices, removeDevice, renameDevice } from './devices.js';

/** A user's devices: for a backend (`/users/{id}/devices`, scopes) and for the user (`/me/devices`). */
export function devicesRoutes(ctx: TwofoldContext, kit: RouteKit) {
  return new Hono<TwofoldEnv>()
    .get('/users/:userId/devices', kit.scope('devices.read'), async (c) =>
      c.json({ devices: await listDevices(ctx, { userId: c.req.param('userId') }) }),
    )
    .delete('/users/:userId/devices/:deviceId', kit.scope('devices.delete'), async (c) => {
      const { userId, deviceId } = c.req.param();
      await removeDevice(ctx, { userId, deviceId, actor: actor.service(c.var.apiKey.id) });
      return c.body(null, 204);
    })
    .get('/me/devices', kit.session, async (c) => c.json({ devices: await listDevices(ctx, { userId: c.var.session.userId }) }))
    .patch('/me/devices/:deviceId', kit.session, async (c) => {
      const { userId } = c.var.session;
      const { name } = await kit.json(c, s.renameDeviceBody);
      return c.json(await renameDevice(ctx, { userId, deviceId: c.req.param('deviceId'), name, actor: actor.user(userId) }));
    })
    .delete('/me/devices/:deviceId', kit.session, async (c) => {
      const { userId } = c.var.session;
      requireStepUp(c.var.session, ctx.now(), 'Removing a device');
      // `?confirm=last-passkey`: the user explicitly accepts losing their only way to sign in.
      const keepLastPasskey = c.req.query('confirm') !== 'last-passkey';
      await removeDevice(ctx, { userId, deviceId: c.req.param('deviceId'), keepLastPasskey, actor: actor.user(userId) });
      return c.body(null, 204);
    });
}
