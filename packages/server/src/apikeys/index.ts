/**
 * The apikeys module's public face for the rest of the server. Its description for the composition
 * (routes, store slice, migrations, verbs) is `module.ts`.
 */
export {
  SCOPES,
  API_KEY_PREFIX,
  authenticateApiKey,
  type Scope,
  type ApiKey,
  type CreateApiKeyOptions,
  type EnsureApiKeyOptions,
  type AuthenticateApiKeyOptions,
  type RemoveApiKeyOptions,
} from './apikeys.js';
