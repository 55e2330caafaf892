/**
 * The pins module's public face for the rest of the server. Its description for the composition
 * (routes, store slice, migrations, verbs) is `module.ts`.
 */
export { ARGON2_PARAMS, createHashGate, inlinePinHasher, type HashGate, type PinHasher } from './hashing.js';
export { DEFAULT_PIN_SETTINGS } from './settings.js';
export {
  getPinStatus,
  checkPin,
  assertStrongPin,
  hashPin,
  type SetPinOptions,
  type VerifyPinOptions,
  type GetPinStatusOptions,
  type PinSettings,
} from './pins.js';
