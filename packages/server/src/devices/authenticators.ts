import type { AuthenticatorModel } from '@twofold/protocol';
import { AAGUID_NAMES } from './aaguid-names.js';

/** The AAGUID of authenticators that do not say what they are (WebAuthn §6.5.2; e.g. `none` attestation on Apple devices). */
export const ZERO_AAGUID = '00000000-0000-0000-0000-000000000000';

/**
 * The authenticator model an AAGUID names, from the vendored community list
 * (`aaguid-names.ts`, refreshed by `scripts/refresh-aaguids.ts`); undefined when unknown.
 * For labelling devices only: an AAGUID is self-asserted without attestation, so it never
 * decides anything.
 */
export function authenticatorModel(aaguid: string): AuthenticatorModel | undefined {
  const name = Object.hasOwn(AAGUID_NAMES, aaguid.toLowerCase()) ? AAGUID_NAMES[aaguid.toLowerCase()] : undefined;
  return name ? { name } : undefined;
}
