/**
 * The devices module's public face for the rest of the server. Its description for the composition
 * (routes, store slice, migrations, verbs) is `module.ts`.
 */
export { authenticatorModel } from './authenticators.js';
export { deviceNameFromUserAgent } from './device-name.js';
export type { ListDevicesOptions, RenameDeviceOptions, RemoveDeviceOptions, Device } from './devices.js';
