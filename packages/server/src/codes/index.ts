/**
 * The codes module's public face for the rest of the server. Its description for the composition
 * (routes, store slice, migrations, verbs) is `module.ts`.
 */
export {
  checkCode,
  redeemCode,
  type GenerateCodeOptions,
  type InvalidateCodesOptions,
  type CheckCodeOptions,
  type StartAddPasskeyWithCodeOptions,
  type VerifyAddPasskeyWithCodeOptions,
  type CodeSettings,
  type CodePurpose,
} from './codes.js';
export { DEFAULT_CODE_SETTINGS } from './settings.js';
