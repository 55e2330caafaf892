import { defineModule } from '../module.js';
import { migrations } from './migrations.js';
import * as flows from './recovery.js';
import { RECOVERY_EVIDENCE_PATHS, recoveryRoutes } from './routes.js';
import { recoverySql } from './sql.js';

/** Recovery: the multi-step flows (credential reset: PIN + face + passkey; new device: code + face + passkey). */
export const recoveryModule = defineModule({
  name: 'recovery',
  migrations,
  sql: recoverySql,
  routes: recoveryRoutes,
  evidencePaths: RECOVERY_EVIDENCE_PATHS,
  verbs: {
    /** Multi-step recovery: credential reset (PIN + face + passkey) and new device (code + face + passkey). */
    recovery: {
      start: flows.startRecovery,
      get: flows.getRecovery,
      choosePin: flows.chooseRecoveryPin,
      verifyFace: flows.verifyRecoveryFace,
      startPasskey: flows.startRecoveryPasskey,
      verifyPasskey: flows.verifyRecoveryPasskey,
      abandon: flows.abandonRecovery,
      /** The user's recent flows, without handles (for support). */
      list: flows.listRecoveries,
      /** Cancels every open flow of the user. */
      cancelAll: flows.cancelRecoveries,
    },
  },
});
