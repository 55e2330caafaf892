import { defineModule } from '../module.js';
import { migrations } from './migrations.js';
import {
  getAcceptedCredentials,
  relatedOriginsDocument,
  startPasskeyAuthentication,
  startPasskeyRegistration,
  startPasskeyUpgrade,
  verifyPasskeyAuthentication,
  verifyPasskeyRegistration,
  verifyPasskeyUpgrade,
} from './passkeys.js';
import { passkeysRoutes } from './routes.js';
import { passkeysSql } from './sql.js';

/** Passkeys: sign-up, sign-in, adding a passkey, the automatic upgrade, the Signal API's list. */
export const passkeysModule = defineModule({
  name: 'passkeys',
  migrations,
  sql: passkeysSql,
  routes: passkeysRoutes,
  verbs: {
    /** Passkey ceremonies, split as the browser needs them: `start…` returns options, `verify…` checks the response. */
    passkeys: {
      startRegistration: startPasskeyRegistration,
      verifyRegistration: verifyPasskeyRegistration,
      startAuthentication: startPasskeyAuthentication,
      verifyAuthentication: verifyPasskeyAuthentication,
      /** Automatic passkey upgrade (conditional create) for a user the host signed in its own way. */
      startUpgrade: startPasskeyUpgrade,
      /** Completes it (UP/UV may be unset for this ceremony only); issues no session token. */
      verifyUpgrade: verifyPasskeyUpgrade,
      /** The user's accepted credential ids and names, for the browser's Signal API. */
      getAcceptedCredentials,
      /** `{origins}` of `/.well-known/webauthn` (related origins); throws `NOT_FOUND` when none are configured. */
      relatedOrigins: relatedOriginsDocument,
    },
  },
});
