/**
 * The scopes an API key can hold; each service route needs one (403 `INSUFFICIENT_SCOPE` with
 * `requiredScope` otherwise). Dependency-free, like `./errors.ts`.
 */
export const SCOPES = [
  'users.create',
  'users.retrieve',
  'devices.read',
  'devices.delete',
  'client_state.read',
  'codes.generate',
  'transactions.create',
  'transactions.read',
  'sessions.revoke',
] as const;

/** One API key scope. */
export type Scope = (typeof SCOPES)[number];
