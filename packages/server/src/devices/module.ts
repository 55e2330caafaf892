import { defineModule } from '../module.js';
import { listDevices, removeDevice, renameDevice } from './devices.js';
import { migrations } from './migrations.js';
import { devicesRoutes } from './routes.js';
import { devicesSql } from './sql.js';

/** Devices: what a user signs in with (passkeys, face templates for backup and temporary devices). */
export const devicesModule = defineModule({
  name: 'devices',
  migrations,
  sql: devicesSql,
  routes: devicesRoutes,
  verbs: {
    devices: {
      list: listDevices,
      rename: renameDevice,
      /** Removes a device and its credential (a passkey, or a face template). */
      remove: removeDevice,
    },
  },
});
