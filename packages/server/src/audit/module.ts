import { defineModule } from '../module.js';
import { listEvents, pageEvents } from './audit.js';
import { migrations } from './migrations.js';
import { auditRoutes } from './routes.js';
import { auditSql } from './sql.js';

/** Audit: the append-only record of security events, per user and for the host. */
export const auditModule = defineModule({
  name: 'audit',
  migrations,
  sql: auditSql,
  routes: auditRoutes,
  verbs: {
    audit: {
      list: listEvents,
      /** One page of a user's events and the next page's cursor (what `GET /me/events` serves). */
      page: pageEvents,
    },
  },
});
