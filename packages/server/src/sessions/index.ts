/**
 * The sessions module's public face: the session token service (ES256 JWTs, the JWKS), the
 * step-up rule, and signing out / revoking sessions. Its description for the composition
 * (routes, store slices, migrations, verbs) is `module.ts`.
 */
export {
  createTokenService,
  requireStepUp,
  type TokenService,
  type TokenServiceOptions,
  type SessionClaims,
  type IssueTokenOptions,
  type MintedToken,
  type VerifyTokenOptions,
  type AuthMethod,
} from './tokens.js';
export { signOut, revokeSessions, type SignOutOptions, type RevokeSessionsOptions } from './sessions.js';
