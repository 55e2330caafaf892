import { defineModule } from '../module.js';
import { generateCode, invalidateCodes, startAddPasskeyWithCode, verifyAddPasskeyWithCode } from './codes.js';
import { migrations } from './migrations.js';
import { codesRoutes } from './routes.js';
import { codesSql } from './sql.js';

/** Pre-authorized codes: one-time codes the host delivers out of band (recovery on a new device). */
export const codesModule = defineModule({
  name: 'codes',
  migrations,
  sql: codesSql,
  routes: codesRoutes,
  verbs: {
    codes: {
      /** Generates a pre-authorized code for a user (deliver it out of band). */
      generate: generateCode,
      /** Invalidates all of a user's live codes. */
      invalidateAll: invalidateCodes,
      /** Checks a code and starts registering a passkey with it (account recovery on a new device). */
      startAddPasskey: startAddPasskeyWithCode,
      /** Verifies the new passkey and consumes the code, atomically. */
      verifyAddPasskey: verifyAddPasskeyWithCode,
    },
  },
});
