/**
 * @twofold/protocol — what client and server share: every wire body and error code of the HTTP
 * API (types only, plus the code and scope lists), the route table (`ROUTES`: method, path and
 * auth of every route, typed with those bodies), and the pure face checks. No runtime
 * dependency: the browser client imports this entry. The zod validators of the request bodies
 * live in the `@twofold/protocol/schemas` subpath.
 */
export * from './errors.js';
export * from './scopes.js';
export type * from './wire.js';
export * from './routes.js';
export * from './face.js';
