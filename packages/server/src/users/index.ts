/**
 * The users module's public face: creating, finding and requiring users, and the username and
 * id rules other modules share. Its routes (`routes.ts`) are mounted by `http/`; its store slice
 * (`store.ts`) and tables (`sql.ts`) belong to `storage/`.
 */
export {
  createUser,
  retrieveUser,
  getUser,
  requireUser,
  insertUserOrThrow,
  newUserId,
  normalizeUsername,
  type CreateUserOptions,
  type RetrieveUserOptions,
  type GetUserOptions,
  type User,
} from './users.js';
