import { defineModule } from '../module.js';
import { registerDeviceKey, startDeviceProof, verifyDeviceProof } from './devicekeys.js';
import { migrations } from './migrations.js';
import { deviceKeysRoutes } from './routes.js';
import { deviceKeysSql } from './sql.js';

/** Device keys: a browser's non-extractable key bound to a passkey device (possession for PIN and face). */
export const deviceKeysModule = defineModule({
  name: 'devicekeys',
  migrations,
  sql: deviceKeysSql,
  routes: deviceKeysRoutes,
  verbs: {
    /**
     * Device binding: browsers' device keys (non-extractable ECDSA P-256 in IndexedDB) bound to
     * passkey devices; PIN checks and credential-reset starts need a proof by one of them.
     */
    deviceKeys: {
      /** Binds a public key to the session's passkey device (step-up rule). */
      register: registerDeviceKey,
      /** A fresh challenge for a proof. */
      startProof: startDeviceProof,
      /** Checks a proof (consumes its challenge); throws `DEVICE_PROOF_REQUIRED` / `DEVICE_PROOF_INVALID`. */
      verifyProof: verifyDeviceProof,
    },
  },
});
