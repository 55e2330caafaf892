/**
 * The sweep module's public face for the rest of the server. Its description for the composition
 * (routes, store slice, migrations, verbs) is `module.ts`.
 */
export { checkRetention, DEFAULT_RETENTION, type RetentionSettings } from './settings.js';
export type { SweepOptions, SweepResult } from './sweep.js';
