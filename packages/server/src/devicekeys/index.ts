/**
 * The devicekeys module's public face for the rest of the server. Its description for the composition
 * (routes, store slice, migrations, verbs) is `module.ts`.
 */
export {
  verifyDeviceProof,
  type DeviceProof,
  type DeviceProofPurpose,
  type RegisterDeviceKeyOptions,
  type StartDeviceProofOptions,
  type VerifyDeviceProofOptions,
} from './devicekeys.js';
