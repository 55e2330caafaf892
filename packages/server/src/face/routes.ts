import { Hono } from 'hono';
import * as s from '@twofold/protocol/schemas';
import type { TwofoldContext } from '../context.js';
import type { RouteKit, TwofoldEnv } from '../routing.js';
import { enrollFace, getClientState, startFaceChallenge, verifyFace } from './face.js';

/** Routes whose body carries face evidence; the HTTP layer gives them the larger body limit. */
export const FACE_EVIDENCE_PATHS = ['/face/enroll', '/face/verify'] as const;

/** Face challenges, enrolment (user), verification, and a backend's read of a stored client state. */
export function faceRoutes(ctx: TwofoldContext, kit: RouteKit) {
  return new Hono<TwofoldEnv>()
    .post('/face/challenge', kit.optionalSession, kit.limitCeremonies, async (c) => {
      const input = await kit.json(c, s.faceChallengeBody);
      return c.json(await startFaceChallenge(ctx, { ...input, session: c.var.session }));
    })
    .post('/face/enroll', kit.session, kit.limitFaceChecks, async (c) => {
      const input = await kit.json(c, s.faceEnrollBody);
      return c.json(await enrollFace(ctx, { ...input, session: c.var.session }));
    })
    .post('/face/verify', kit.limitFaceChecks, async (c) => {
      const { deviceProof, ...input } = await kit.json(c, s.faceVerifyBody);
      const { match, token } = await verifyFace(ctx, { ...input, deviceProof });
      return c.json({ match, token });
    })
    .get('/users/:userId/devices/:deviceId/client-state', kit.scope('client_state.read'), async (c) =>
      c.json(await getClientState(ctx, { userId: c.req.param('userId'), deviceId: c.req.param('deviceId') })),
    );
}
