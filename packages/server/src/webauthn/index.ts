/**
 * The WebAuthn ceremony core: options for `navigator.credentials.create()` / `.get()`, the
 * verification of their responses by `@simplewebauthn/server`, the signature-counter rule
 * (WebAuthn §6.1.1) and the records a registration writes. The passkey verbs (`passkeys/`), the
 * add-with-code flow (`codes/`), recovery (`recovery/`) and transaction confirmation
 * (`transactions/`) build on it; this file is its only public face. Each function takes the slice
 * of the context it uses (`…Context`), not all of it.
 */
export type { WithHints } from './common.js';
export {
  startRegistration,
  completeRegistration,
  type RegistrationShape,
  type CompleteRegistrationOptions,
  type StartRegistrationContext,
  type CompleteRegistrationContext,
} from './registration.js';
export {
  authenticationOptions,
  verifyAssertion,
  listedFor,
  type AuthenticationOptionsInput,
  type VerifyAssertionOptions,
  type VerifyAssertionContext,
} from './assertion.js';
// The JSON shapes of the ceremonies, as `@simplewebauthn/server` types them.
export type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
