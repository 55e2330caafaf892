import { defineModule } from '../module.js';
import { migrations } from './migrations.js';
import { rateLimitsSql } from './sql.js';

/** Rate limits: counters held in the store, so limits hold across server processes. */
export const rateLimitsModule = defineModule({ name: 'ratelimits', migrations, sql: rateLimitsSql });
