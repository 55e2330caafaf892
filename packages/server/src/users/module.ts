import { defineModule } from '../module.js';
import { migrations } from './migrations.js';
import { usersRoutes } from './routes.js';
import { usersSql } from './sql.js';
import { createUser, getUser, retrieveUser } from './users.js';

/** Users: accounts by id and username. */
export const usersModule = defineModule({
  name: 'users',
  migrations,
  sql: usersSql,
  routes: usersRoutes,
  verbs: {
    users: {
      create: createUser,
      /** By username. Throws `USER_NOT_FOUND`. */
      retrieve: retrieveUser,
      /** By id. Throws `USER_NOT_FOUND`. */
      get: getUser,
    },
  },
});
