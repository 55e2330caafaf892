/**
 * The ratelimits module's public face for the rest of the server. Its description for the composition
 * (routes, store slice, migrations, verbs) is `module.ts`.
 */
export { enforceLimits, type RateLimit, type LimitChecks } from './ratelimits.js';
