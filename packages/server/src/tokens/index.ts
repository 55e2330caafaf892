/**
 * The tokens module's public face: the session token service (ES256 JWTs, the JWKS), the
 * step-up rule, and signing out / revoking sessions. Its routes (`routes.ts`) are mounted by
 * `http/`; its store slices (`store.ts`) and tables (`sql.ts`) belong to `storage/`.
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
