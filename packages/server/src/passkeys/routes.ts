import { Hono } from 'hono';
import * as s from '@twofold/protocol/schemas';
import type { TwofoldContext } from '../context.js';
import { TwofoldError } from '../errors.js';
import { requireStepUp } from '../sessions/index.js';
import type { RouteKit, TwofoldEnv } from '../routing.js';
import {
  getAcceptedCredentials,
  relatedOriginsDocument,
  startPasskeyAuthentication,
  startPasskeyRegistration,
  verifyPasskeyAuthentication,
  verifyPasskeyRegistration,
} from './passkeys.js';

/**
 * Passkey sign-up, adding a passkey (with a session) and sign-in (button or autofill), and the
 * related-origins document (the handler also answers it at the root, `/.well-known/webauthn`).
 */
export function passkeysRoutes(ctx: TwofoldContext, kit: RouteKit) {
  return new Hono<TwofoldEnv>()
    .get('/.well-known/webauthn', (c) => {
      // Browsers fetch it without credentials (WebAuthn L3 §5.11.1); it is public configuration.
      c.header('cache-control', 'public, max-age=300');
      return c.json(relatedOriginsDocument(ctx));
    })
    .post('/passkeys/register/options', kit.optionalSession, kit.limitCeremonies, async (c) => {
      const input = await kit.json(c, s.registerOptionsBody);
      const session = c.var.session;
      const hints = input.hints && { hints: input.hints };
      if (session) {
        requireStepUp(session, ctx.now(), 'Adding a passkey'); // checked again at verify
        return c.json(await startPasskeyRegistration(ctx, { userId: session.userId, ...hints }));
      }
      if (input.username === undefined) {
        throw new TwofoldError('INVALID_REQUEST', 'username: required to sign up (or send a session token to add a passkey)', {
          issues: [{ path: 'username', message: 'required' }],
        });
      }
      return c.json(await startPasskeyRegistration(ctx, { username: input.username, displayName: input.displayName, ...hints }));
    })
    .post('/passkeys/register/verify', kit.optionalSession, async (c) => {
      const input = await kit.json(c, s.registerVerifyBody);
      return c.json(
        await verifyPasskeyRegistration(ctx, { ...input, userAgent: c.req.header('user-agent') ?? null, session: c.var.session }),
      );
    })
    .get('/me/passkeys', kit.session, async (c) => c.json(await getAcceptedCredentials(ctx, { userId: c.var.session.userId })))
    .post('/passkeys/authenticate/options', kit.limitCeremonies, async (c) => {
      // Named fields only: `userId` (a host's second factor) is for backends, never a browser.
      const { username, hints } = await kit.json(c, s.authenticateOptionsBody);
      return c.json(await startPasskeyAuthentication(ctx, { ...(username !== undefined && { username }), ...(hints && { hints }) }));
    })
    .post('/passkeys/authenticate/verify', async (c) =>
      c.json(await verifyPasskeyAuthentication(ctx, await kit.json(c, s.authenticateVerifyBody))),
    );
}
