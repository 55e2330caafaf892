/**
 * The route table of the HTTP API, once: for every route its method, path template (relative to
 * the base path `/api/v1`, Hono's `:param` syntax), who may call it, its success status, and —
 * for the type checker only — its request body, path parameters, query and response body.
 *
 * Both sides are held to it without importing each other:
 * - the browser client calls routes by name (`api.call('face.verify', { body })`): a name that is
 *   not here, a missing path parameter, a body or an answer that drifts from the table fails
 *   `pnpm typecheck`;
 * - the server's test `packages/server/test/http/route-table.test.ts` enumerates the routes its
 *   Hono app registers and compares them with this table both ways (method and path), and checks
 *   the JSON each handler returns against `response`.
 *
 * Runtime: plain data (method, path, auth, status); the types ride in {@link TypeSlot}s that hold
 * nothing. No dependency: this file is part of the browser-safe package root.
 */
import type { Scope } from './scopes.js';
import type {
  CancelRecoveriesResponse,
  ChooseRecoveryPinRequest,
  ChooseRecoveryPinResponse,
  CodeType,
  ConfirmTransactionRequest,
  ConfirmTransactionResponse,
  CreateTransactionRequest,
  CreateTransactionResponse,
  CreateUserRequest,
  CreateUserResponse,
  DenyTransactionResponse,
  DeviceProofChallengeRequest,
  DeviceProofChallengeResponse,
  EnrollFaceRequest,
  EnrollFaceResponse,
  GenerateCodeRequest,
  GenerateCodeResponse,
  GetAcceptedCredentialsResponse,
  GetClientStateResponse,
  GetJwksResponse,
  GetMeResponse,
  GetRecoveryResponse,
  GetRelatedOriginsResponse,
  GetTransactionResponse,
  InvalidateCodesRequest,
  InvalidateCodesResponse,
  ListDevicesResponse,
  ListEventsQuery,
  ListEventsResponse,
  ListRecoveriesResponse,
  RegisterDeviceKeyRequest,
  RegisterDeviceKeyResponse,
  RemoveDeviceQuery,
  RenameDeviceRequest,
  RenameDeviceResponse,
  RetrieveUserRequest,
  RetrieveUserResponse,
  RevokeSessionsResponse,
  SetPinRequest,
  StartAddPasskeyWithCodeRequest,
  StartAddPasskeyWithCodeResponse,
  StartFaceChallengeRequest,
  StartFaceChallengeResponse,
  StartPasskeyAuthenticationRequest,
  StartPasskeyAuthenticationResponse,
  StartPasskeyRegistrationRequest,
  StartPasskeyRegistrationResponse,
  StartRecoveryPasskeyRequest,
  StartRecoveryPasskeyResponse,
  StartRecoveryRequest,
  StartRecoveryResponse,
  StartTransactionConfirmationResponse,
  VerifyAddPasskeyWithCodeRequest,
  VerifyAddPasskeyWithCodeResponse,
  VerifyFaceRequest,
  VerifyFaceResponse,
  VerifyPasskeyAuthenticationRequest,
  VerifyPasskeyAuthenticationResponse,
  VerifyPasskeyRegistrationRequest,
  VerifyPasskeyRegistrationResponse,
  VerifyPinRequest,
  VerifyPinResponse,
  VerifyRecoveryFaceRequest,
  VerifyRecoveryFaceResponse,
  VerifyRecoveryPasskeyRequest,
  VerifyRecoveryPasskeyResponse,
} from './wire.js';

/** The HTTP methods the API uses. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call a route, i.e. what goes in `Authorization: Bearer`:
 * - `none`: anyone, no token (the body carries its own proof when one is needed: a ceremony, a
 *   code, a device proof);
 * - `session`: a session token (401 `UNAUTHENTICATED` / `INVALID_TOKEN` without a valid one);
 * - `optional-session`: anyone; with a session token the route acts for the signed-in user
 *   (e.g. adds a passkey instead of signing up), and an invalid token is still 401;
 * - `service`: a backend's API key holding `scope` (403 `INSUFFICIENT_SCOPE` otherwise);
 * - `holder`: no token; the `:flowId` in the path is the bearer handle of a recovery flow.
 */
export type RouteAuth =
  | { readonly kind: 'none' }
  | { readonly kind: 'session' }
  | { readonly kind: 'optional-session' }
  | { readonly kind: 'service'; readonly scope: Scope }
  | { readonly kind: 'holder' };

/** The kinds of {@link RouteAuth}. */
export type RouteAuthKind = RouteAuth['kind'];

declare const typeSlot: unique symbol;
/**
 * A type the table carries for the type checker only: at runtime every slot is the same empty,
 * frozen object, so the table stays plain data.
 */
export interface TypeSlot<T> {
  readonly [typeSlot]?: T;
}

const SLOT: TypeSlot<never> = Object.freeze({});
/** Fills a {@link TypeSlot} of the table with `T`. */
const t = <T>(): TypeSlot<T> => SLOT as TypeSlot<T>;

/** What every entry of {@link ROUTES} is. */
export interface RouteSpec {
  readonly method: HttpMethod;
  /** Relative to the API's base path, with `:name` path parameters (Hono's syntax). */
  readonly path: `/${string}`;
  readonly auth: RouteAuth;
  /** The success status: 200, 201 (created) or 204 (no body: then there is no `response`). */
  readonly status: 200 | 201 | 204;
  /** The JSON request body; absent: the route reads none. */
  readonly body?: TypeSlot<unknown>;
  /** The path parameters, when narrower than strings (else every `:name` is a string). */
  readonly params?: TypeSlot<Record<string, string>>;
  /** The query parameters the route reads. */
  readonly query?: TypeSlot<Record<string, string | undefined>>;
  /** The JSON response body of `status`; absent for 204. */
  readonly response?: TypeSlot<unknown>;
}

const NONE = { kind: 'none' } as const;
const SESSION = { kind: 'session' } as const;
const OPTIONAL_SESSION = { kind: 'optional-session' } as const;
const HOLDER = { kind: 'holder' } as const;
const service = <const S extends Scope>(scope: S) => ({ kind: 'service', scope }) as const;

/**
 * Every route of the HTTP API, named `<module>.<operation>` after the server module that serves
 * it (`packages/server/src/<module>/routes.ts`) and the operation's verb in `wire.ts`.
 * Add a route here when you add it to the server (see the package README).
 */
export const ROUTES = {
  // tokens: signing keys and sessions
  'tokens.getJwks': { method: 'GET', path: '/.well-known/jwks.json', auth: NONE, status: 200, response: t<GetJwksResponse>() },
  'tokens.signOut': { method: 'DELETE', path: '/me/session', auth: SESSION, status: 204 },
  'tokens.revokeMySessions': { method: 'DELETE', path: '/me/sessions', auth: SESSION, status: 200, response: t<RevokeSessionsResponse>() },
  'tokens.revokeSessions': {
    method: 'DELETE',
    path: '/users/:userId/sessions',
    auth: service('sessions.revoke'),
    status: 200,
    response: t<RevokeSessionsResponse>(),
  },

  // users
  'users.create': {
    method: 'POST',
    path: '/users',
    auth: service('users.create'),
    status: 201,
    body: t<CreateUserRequest>(),
    response: t<CreateUserResponse>(),
  },
  'users.retrieve': {
    method: 'POST',
    path: '/users/retrieve',
    auth: service('users.retrieve'),
    status: 200,
    body: t<RetrieveUserRequest>(),
    response: t<RetrieveUserResponse>(),
  },
  'users.getMe': { method: 'GET', path: '/me', auth: SESSION, status: 200, response: t<GetMeResponse>() },

  // codes: pre-authorized codes (service) and adding a passkey with one (browser)
  'codes.generate': {
    method: 'POST',
    path: '/codes/:type/generate',
    auth: service('codes.generate'),
    status: 201,
    params: t<{ type: CodeType }>(),
    body: t<GenerateCodeRequest>(),
    response: t<GenerateCodeResponse>(),
  },
  'codes.invalidate': {
    method: 'POST',
    path: '/codes/invalidate-all',
    auth: service('codes.generate'),
    status: 200,
    body: t<InvalidateCodesRequest>(),
    response: t<InvalidateCodesResponse>(),
  },
  'codes.startAddPasskey': {
    method: 'POST',
    path: '/credentials/fido2/init/code',
    auth: NONE,
    status: 200,
    body: t<StartAddPasskeyWithCodeRequest>(),
    response: t<StartAddPasskeyWithCodeResponse>(),
  },
  'codes.verifyAddPasskey': {
    method: 'POST',
    path: '/credentials/fido2/complete',
    auth: NONE,
    status: 200,
    body: t<VerifyAddPasskeyWithCodeRequest>(),
    response: t<VerifyAddPasskeyWithCodeResponse>(),
  },

  // passkeys
  'passkeys.getRelatedOrigins': {
    method: 'GET',
    path: '/.well-known/webauthn',
    auth: NONE,
    status: 200,
    response: t<GetRelatedOriginsResponse>(),
  },
  'passkeys.startRegistration': {
    method: 'POST',
    path: '/passkeys/register/options',
    auth: OPTIONAL_SESSION,
    status: 200,
    body: t<StartPasskeyRegistrationRequest>(),
    response: t<StartPasskeyRegistrationResponse>(),
  },
  'passkeys.verifyRegistration': {
    method: 'POST',
    path: '/passkeys/register/verify',
    auth: OPTIONAL_SESSION,
    status: 200,
    body: t<VerifyPasskeyRegistrationRequest>(),
    response: t<VerifyPasskeyRegistrationResponse>(),
  },
  'passkeys.getAcceptedCredentials': {
    method: 'GET',
    path: '/me/passkeys',
    auth: SESSION,
    status: 200,
    response: t<GetAcceptedCredentialsResponse>(),
  },
  'passkeys.startAuthentication': {
    method: 'POST',
    path: '/passkeys/authenticate/options',
    auth: NONE,
    status: 200,
    body: t<StartPasskeyAuthenticationRequest>(),
    response: t<StartPasskeyAuthenticationResponse>(),
  },
  'passkeys.verifyAuthentication': {
    method: 'POST',
    path: '/passkeys/authenticate/verify',
    auth: NONE,
    status: 200,
    body: t<VerifyPasskeyAuthenticationRequest>(),
    response: t<VerifyPasskeyAuthenticationResponse>(),
  },

  // devices: a backend's view (/users/...) and the signed-in user's (/me/...)
  'devices.list': {
    method: 'GET',
    path: '/users/:userId/devices',
    auth: service('devices.read'),
    status: 200,
    response: t<ListDevicesResponse>(),
  },
  'devices.remove': { method: 'DELETE', path: '/users/:userId/devices/:deviceId', auth: service('devices.delete'), status: 204 },
  'devices.listMine': { method: 'GET', path: '/me/devices', auth: SESSION, status: 200, response: t<ListDevicesResponse>() },
  'devices.renameMine': {
    method: 'PATCH',
    path: '/me/devices/:deviceId',
    auth: SESSION,
    status: 200,
    body: t<RenameDeviceRequest>(),
    response: t<RenameDeviceResponse>(),
  },
  'devices.removeMine': { method: 'DELETE', path: '/me/devices/:deviceId', auth: SESSION, status: 204, query: t<RemoveDeviceQuery>() },

  // devicekeys: binding a browser's device key, and the challenges its proofs sign
  'deviceKeys.register': {
    method: 'POST',
    path: '/me/device-keys',
    auth: SESSION,
    status: 201,
    body: t<RegisterDeviceKeyRequest>(),
    response: t<RegisterDeviceKeyResponse>(),
  },
  'deviceKeys.startProof': {
    method: 'POST',
    path: '/device-keys/challenge',
    auth: OPTIONAL_SESSION,
    status: 200,
    body: t<DeviceProofChallengeRequest>(),
    response: t<DeviceProofChallengeResponse>(),
  },

  // pins
  'pins.set': { method: 'PUT', path: '/me/pin', auth: SESSION, status: 204, body: t<SetPinRequest>() },
  'pins.verify': {
    method: 'POST',
    path: '/pin/verify',
    auth: NONE,
    status: 200,
    body: t<VerifyPinRequest>(),
    response: t<VerifyPinResponse>(),
  },

  // face
  'face.startChallenge': {
    method: 'POST',
    path: '/face/challenge',
    auth: OPTIONAL_SESSION,
    status: 200,
    body: t<StartFaceChallengeRequest>(),
    response: t<StartFaceChallengeResponse>(),
  },
  'face.enroll': {
    method: 'POST',
    path: '/face/enroll',
    auth: SESSION,
    status: 200,
    body: t<EnrollFaceRequest>(),
    response: t<EnrollFaceResponse>(),
  },
  'face.verify': {
    method: 'POST',
    path: '/face/verify',
    auth: NONE,
    status: 200,
    body: t<VerifyFaceRequest>(),
    response: t<VerifyFaceResponse>(),
  },
  'face.getClientState': {
    method: 'GET',
    path: '/users/:userId/devices/:deviceId/client-state',
    auth: service('client_state.read'),
    status: 200,
    response: t<GetClientStateResponse>(),
  },

  // recovery: flows (browser, the flow id is the handle) and a backend's view of them
  'recovery.start': {
    method: 'POST',
    path: '/recovery',
    auth: NONE,
    status: 201,
    body: t<StartRecoveryRequest>(),
    response: t<StartRecoveryResponse>(),
  },
  'recovery.get': { method: 'GET', path: '/recovery/:flowId', auth: HOLDER, status: 200, response: t<GetRecoveryResponse>() },
  'recovery.abandon': { method: 'DELETE', path: '/recovery/:flowId', auth: HOLDER, status: 204 },
  'recovery.choosePin': {
    method: 'PUT',
    path: '/recovery/:flowId/pin',
    auth: HOLDER,
    status: 200,
    body: t<ChooseRecoveryPinRequest>(),
    response: t<ChooseRecoveryPinResponse>(),
  },
  'recovery.verifyFace': {
    method: 'POST',
    path: '/recovery/:flowId/face',
    auth: HOLDER,
    status: 200,
    body: t<VerifyRecoveryFaceRequest>(),
    response: t<VerifyRecoveryFaceResponse>(),
  },
  'recovery.startPasskey': {
    method: 'POST',
    path: '/recovery/:flowId/passkey/options',
    auth: HOLDER,
    status: 200,
    body: t<StartRecoveryPasskeyRequest>(),
    response: t<StartRecoveryPasskeyResponse>(),
  },
  'recovery.verifyPasskey': {
    method: 'POST',
    path: '/recovery/:flowId/passkey/verify',
    auth: HOLDER,
    status: 200,
    body: t<VerifyRecoveryPasskeyRequest>(),
    response: t<VerifyRecoveryPasskeyResponse>(),
  },
  'recovery.list': {
    method: 'GET',
    path: '/users/:userId/recovery',
    auth: service('devices.read'),
    status: 200,
    response: t<ListRecoveriesResponse>(),
  },
  'recovery.cancel': {
    method: 'POST',
    path: '/users/:userId/recovery/cancel',
    auth: service('codes.generate'),
    status: 200,
    response: t<CancelRecoveriesResponse>(),
  },

  // transactions: created and read by a backend, confirmed or denied by the user
  'transactions.create': {
    method: 'POST',
    path: '/transactions',
    auth: service('transactions.create'),
    status: 201,
    body: t<CreateTransactionRequest>(),
    response: t<CreateTransactionResponse>(),
  },
  'transactions.get': {
    method: 'GET',
    path: '/transactions/:id',
    auth: service('transactions.read'),
    status: 200,
    response: t<GetTransactionResponse>(),
  },
  'transactions.startConfirmation': {
    method: 'POST',
    path: '/transactions/:id/options',
    auth: SESSION,
    status: 200,
    response: t<StartTransactionConfirmationResponse>(),
  },
  'transactions.confirm': {
    method: 'POST',
    path: '/transactions/:id/confirm',
    auth: SESSION,
    status: 200,
    body: t<ConfirmTransactionRequest>(),
    response: t<ConfirmTransactionResponse>(),
  },
  'transactions.deny': {
    method: 'POST',
    path: '/transactions/:id/deny',
    auth: SESSION,
    status: 200,
    response: t<DenyTransactionResponse>(),
  },

  // audit: the signed-in user's security activity
  'audit.listEvents': {
    method: 'GET',
    path: '/me/events',
    auth: SESSION,
    status: 200,
    query: t<ListEventsQuery>(),
    response: t<ListEventsResponse>(),
  },
} as const satisfies Record<string, RouteSpec>;

/** The table's type. */
export type Routes = typeof ROUTES;
/** A route's name, e.g. `'face.verify'`. */
export type RouteName = keyof Routes;

/** The `:name` parameters of a path template: `'/users/:userId/devices/:deviceId'` → `'userId' | 'deviceId'`. */
export type PathParamNames<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | PathParamNames<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

type Slotted<R, K extends PropertyKey> = R extends { readonly [k in K]: TypeSlot<infer T> } ? T : never;

/** The path parameters of route `K` (every `:name` of its path). */
export type RouteParams<K extends RouteName> = Routes[K] extends { params: TypeSlot<infer P> }
  ? P
  : { [N in PathParamNames<Routes[K]['path']>]: string };
/** The request body of route `K` (`never`: it reads none). */
export type RouteBody<K extends RouteName> = Slotted<Routes[K], 'body'>;
/** The query parameters of route `K` (`never`: it reads none). */
export type RouteQuery<K extends RouteName> = Slotted<Routes[K], 'query'>;
/** The response body of route `K` (`void` for a 204). */
// biome-ignore lint/suspicious/noConfusingVoidType: public type; `void` (not `undefined`) is what a 204's call resolves to
export type RouteResponse<K extends RouteName> = Routes[K] extends { response: TypeSlot<infer R> } ? R : void;
/** The auth of route `K`. */
export type RouteAuthOf<K extends RouteName> = Routes[K]['auth'];

// Compile-time checks of the table itself: a `params` slot names exactly the path's parameters,
// and only 204 routes go without a response (and 204 routes have none).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Check<T extends true> = T;
type _ParamsMatchPaths = Check<
  { [K in RouteName]: Same<keyof RouteParams<K>, PathParamNames<Routes[K]['path']>> }[RouteName] extends true ? true : false
>;
type _ResponseIffNot204 = Check<
  {
    [K in RouteName]: Same<Routes[K]['status'] extends 204 ? true : false, Routes[K] extends { response: unknown } ? false : true>;
  }[RouteName] extends true
    ? true
    : false
>;

/**
 * Fills a route's path template: every `:name` is replaced by `params[name]`, URL-encoded
 * (`'/recovery/:flowId/pin'`, `{ flowId: 'a/b' }` → `'/recovery/a%2Fb/pin'`). A parameter that is
 * missing or empty throws: a request to the wrong route must never go out.
 */
export function fillPath(path: string, params: Readonly<Record<string, string>> = {}): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
    const value = params[name];
    if (typeof value !== 'string' || value === '') throw new TypeError(`Path parameter ${name} of ${path} is missing`);
    return encodeURIComponent(value);
  });
}
