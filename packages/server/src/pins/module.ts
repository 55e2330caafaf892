import { defineModule } from '../module.js';
import { migrations } from './migrations.js';
import { getPinStatus, setPin, verifyPin } from './pins.js';
import { pinsRoutes } from './routes.js';
import { pinsSql } from './sql.js';

/** PINs: an app PIN (argon2id) for sign-in on a bound device and for step-up. */
export const pinsModule = defineModule({
  name: 'pins',
  migrations,
  sql: pinsSql,
  routes: pinsRoutes,
  verbs: {
    pins: {
      /** Sets the user's PIN; replacing one needs a fresh strong session (see `setPin`). */
      set: setPin,
      /** PIN sign-in: a token with `amr: ["pin"]`. */
      verify: verifyPin,
      getStatus: getPinStatus,
    },
  },
});
