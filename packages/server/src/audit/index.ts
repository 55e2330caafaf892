/**
 * The audit module's public face for the rest of the server. Its description for the composition
 * (routes, store slice, migrations, verbs) is `module.ts`.
 */
export {
  actor,
  changeWithEvent,
  countWithEvent,
  writeWithEvent,
  recordEvent,
  newEvent,
  type AuditEvent,
  type AuditEventType,
  type ActorOption,
  type ListEventsOptions,
  type PageEventsOptions,
} from './audit.js';
// For the SQL slices that record an event in the same statement as their write.
export { auditEventParams } from './sql.js';
