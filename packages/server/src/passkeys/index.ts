/**
 * The passkeys module's public face: the passkey verbs (sign-up, adding a passkey, the automatic
 * upgrade, sign-in, the credentials the Signal API needs, the related-origins document) and the
 * per-instance credential cache. The WebAuthn ceremony core they build on is `webauthn/`. Its
 * routes (`routes.ts`) are mounted by `http/`; its store slice (`store.ts`) and tables (`sql.ts`)
 * belong to `storage/`.
 */
export {
  startPasskeyRegistration,
  verifyPasskeyRegistration,
  startPasskeyUpgrade,
  verifyPasskeyUpgrade,
  startPasskeyAuthentication,
  verifyPasskeyAuthentication,
  getAcceptedCredentials,
  relatedOriginsDocument,
  type StartPasskeyRegistrationOptions,
  type VerifyPasskeyRegistrationOptions,
  type StartPasskeyUpgradeOptions,
  type VerifyPasskeyUpgradeOptions,
  type StartPasskeyAuthenticationOptions,
  type VerifyPasskeyAuthenticationOptions,
  type GetAcceptedCredentialsOptions,
  type WithHints,
  type CeremonyResult,
} from './passkeys.js';
export { createPasskeyCache, type PasskeyCache, type PasskeyCacheOptions } from './cache.js';
