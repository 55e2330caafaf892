/**
 * The HTTP API's wire types, once: every request body, every response body, the problem+json
 * error body. Routes are relative to the base path `/api/v1` (see API.md and docs/http-api.md).
 *
 * Naming: a route's bodies are `<Operation>Request` and `<Operation>Response`, the operation
 * named with the project's verbs — `create` / `get` / `list` / `rename` / `remove` for records,
 * `start…` / `verify…` for the two halves of a ceremony, and the domain's own verbs
 * (`confirm` / `deny` a transaction, `choose` a PIN, `enroll` / `verify` a face, `invalidate`,
 * `cancel`). Shapes several routes share are plain nouns (`User`, `Device`, `RecoveryFlow`,
 * `CeremonyResult`, `Problem`, ...). A route without a request body has no `…Request`; a 204
 * answer has no `…Response`.
 *
 * Request types are `z.input` of the validators in `@twofold/protocol/schemas` (what a caller
 * may send; the server parses it into `z.output`), with one refinement: a WebAuthn `response`
 * is typed as the `@simplewebauthn` JSON the browser produces (the schema accepts it; checked
 * below at compile time). The schemas are imported as types only: this file — and the package
 * root — never loads zod at runtime.
 */
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/browser';
import type { z } from 'zod';
import type { ErrorCode } from './errors.js';
import type { FaceAction, FaceTarget } from './face.js';
import type * as schemas from './schemas.js';
import type { Scope } from './scopes.js';

/** What a caller may send for a body validated by `schema`. */
type Input<S extends z.ZodType> = z.input<S>;

// The schemas accept the browser's @simplewebauthn JSON as it is (its `clientExtensionResults`
// is a DOM interface, which TypeScript does not let stand for a `Record`): a schema that drifts
// from the WebAuthn JSON shape fails to compile here.
type Extensible<T extends { clientExtensionResults: unknown }> = Omit<T, 'clientExtensionResults'> & {
  clientExtensionResults: Record<string, unknown>;
};
type Accepts<Schema, Sent extends Schema> = Sent;
type _RegistrationJson = Accepts<Input<typeof schemas.registrationResponse>, Extensible<RegistrationResponseJSON>>;
type _AuthenticationJson = Accepts<Input<typeof schemas.authenticationResponse>, Extensible<AuthenticationResponseJSON>>;

/** A body (or each member of a union of bodies) with its WebAuthn `response` typed as `R`. */
type WithResponse<B, R> = B extends { response: unknown } ? Omit<B, 'response'> & { response: R } : B;
/** `{ceremonyId, response, name?}`: the second half of a passkey registration. */
type RegistrationBody = WithResponse<Input<typeof schemas.registerVerifyBody>, RegistrationResponseJSON>;

// ---------------------------------------------------------------------------------------------
// Shared shapes

/** Authentication methods a session token's `amr` claim can list. */
export type AuthMethod = 'passkey' | 'code' | 'face' | 'pin';

/** The authenticator transports WebAuthn L3 §5.8.4 names today. */
export type KnownAuthenticatorTransport = 'ble' | 'cable' | 'hybrid' | 'internal' | 'nfc' | 'smart-card' | 'usb';
/**
 * A WebAuthn authenticator transport. Kept as a string, as `@simplewebauthn` 14 does: the RP
 * stores what the browser reports and hands it back, and clients ignore values they do not know
 * (WebAuthn §5.8.4), so a transport added to the spec later must not be refused.
 */
export type AuthenticatorTransport = KnownAuthenticatorTransport | (string & {});

/** The first half of a passkey registration: the browser's `navigator.credentials.create()` options. */
export interface RegistrationCeremony {
  ceremonyId: string;
  options: PublicKeyCredentialCreationOptionsJSON;
}

/** The first half of a passkey authentication: the browser's `navigator.credentials.get()` options. */
export interface AuthenticationCeremony {
  ceremonyId: string;
  options: PublicKeyCredentialRequestOptionsJSON;
}

/** What every successful passkey ceremony answers: who, with which device, and a session token. */
export interface CeremonyResult {
  userId: string;
  deviceId: string;
  /** Session token (ES256 JWT) for `Authorization: Bearer` on user routes. */
  token: string;
}

// ---------------------------------------------------------------------------------------------
// Keys

/** One public ES256 signing key (RFC 7517). */
export interface Jwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid: string;
  alg: 'ES256';
  use: 'sig';
}

/** `GET /.well-known/jwks.json` — the keys that verify current session tokens. */
export interface GetJwksResponse {
  keys: Jwk[];
}

// ---------------------------------------------------------------------------------------------
// Users (service)

/** A user as the API shows it. Usernames are normalised (NFKC, trimmed, lower-cased). */
export interface User {
  userId: string;
  username: string;
  displayName: string;
  createdAt: string;
}

/** `POST /users` (scope `users.create`). */
export type CreateUserRequest = Input<typeof schemas.createUserBody>;
/** `POST /users` → 201. */
export type CreateUserResponse = Omit<User, 'createdAt'>;

/** `POST /users/retrieve` (scope `users.retrieve`): finds a user by username. */
export type RetrieveUserRequest = Input<typeof schemas.retrieveUserBody>;
/** `POST /users/retrieve` → 200. */
export type RetrieveUserResponse = User;

// ---------------------------------------------------------------------------------------------
// Pre-authorized codes (service) and adding a passkey with one (browser)

/** The kinds of pre-authorized code: `short` (8 digits), `long` (high entropy), `link` (for magic links). */
export type CodeType = Input<typeof schemas.codeType>;

/** `POST /codes/{type}/generate` (scope `codes.generate`). */
export type GenerateCodeRequest = Input<typeof schemas.generateCodeBody>;
/** What a code is for. */
export type CodePurpose = GenerateCodeRequest['purpose'];
/** `POST /codes/{type}/generate` → 201: the code, returned this once (only its hash is stored). */
export interface GenerateCodeResponse {
  code: string;
  expiresAt: string;
  isAuthorized: true;
  /** For `link` codes when the server has a link template. */
  link?: string;
  /** Set when only a `new_device` recovery flow, with its face check, can redeem the code. */
  requireFace?: true;
}

/** `POST /codes/invalidate-all` (scope `codes.generate`). */
export type InvalidateCodesRequest = Input<typeof schemas.userIdBody>;
/** `POST /codes/invalidate-all` → 200. */
export interface InvalidateCodesResponse {
  invalidated: number;
}

/** `POST /credentials/fido2/init/code`: redeem a code to register a passkey on a new device. */
export type StartAddPasskeyWithCodeRequest = Input<typeof schemas.initWithCodeBody>;
/** `POST /credentials/fido2/init/code` → 200. */
export type StartAddPasskeyWithCodeResponse = RegistrationCeremony;

/** `POST /credentials/fido2/complete`. */
export type VerifyAddPasskeyWithCodeRequest = RegistrationBody;
/** `POST /credentials/fido2/complete` → 200 (`amr: ["code"]`). */
export type VerifyAddPasskeyWithCodeResponse = CeremonyResult;

// ---------------------------------------------------------------------------------------------
// Passkeys (browser)

/**
 * `POST /passkeys/register/options`: `{username, displayName?}` signs up (open registration);
 * with a session token (and an empty body) adds a passkey to the signed-in user.
 */
export type StartPasskeyRegistrationRequest = Input<typeof schemas.registerOptionsBody>;
/** `POST /passkeys/register/options` → 200. */
export type StartPasskeyRegistrationResponse = RegistrationCeremony;

/** `POST /passkeys/register/verify`. */
export type VerifyPasskeyRegistrationRequest = RegistrationBody;
/** `POST /passkeys/register/verify` → 200. */
export type VerifyPasskeyRegistrationResponse = CeremonyResult;

/** `POST /passkeys/authenticate/options`: without `username`, discoverable credentials / autofill. */
export type StartPasskeyAuthenticationRequest = Input<typeof schemas.authenticateOptionsBody>;
/** `POST /passkeys/authenticate/options` → 200. */
export type StartPasskeyAuthenticationResponse = AuthenticationCeremony;

/**
 * `GET /me/passkeys` (session) → 200: what the browser's Signal API (WebAuthn L3 §5.1.10) needs
 * to bring the user's authenticators in line with the server: the RP ID, the user handle (the
 * user id), the names to show, and every credential id the server still accepts for this user.
 */
export interface GetAcceptedCredentialsResponse {
  rpId: string;
  userId: string;
  username: string;
  displayName: string;
  credentialIds: string[];
}

/**
 * `GET /.well-known/webauthn` (anyone) → 200: the related origins (WebAuthn L3 §5.11.1); 404
 * `NOT_FOUND` when none are configured.
 */
export interface GetRelatedOriginsResponse {
  origins: string[];
}

/** `POST /passkeys/authenticate/verify`. */
export type VerifyPasskeyAuthenticationRequest = WithResponse<Input<typeof schemas.authenticateVerifyBody>, AuthenticationResponseJSON>;
/** `POST /passkeys/authenticate/verify` → 200. */
export type VerifyPasskeyAuthenticationResponse = CeremonyResult;

// ---------------------------------------------------------------------------------------------
// Devices

/** `passkey` (a WebAuthn credential), `backup` (a kept face client state), `temporary` (a single-use one). */
export type DeviceType = 'passkey' | 'backup' | 'temporary';
/** The device types that hold a sealed face template. */
export type FaceDeviceType = Exclude<DeviceType, 'passkey'>;

/** A WebAuthn L3 §5.8.7 hint: the kind of authenticator a page expects (most preferred first). */
export type CredentialHint = 'security-key' | 'client-device' | 'hybrid';

/** The authenticator model behind a passkey, named from its AAGUID (a community list; see the server README). */
export interface AuthenticatorModel {
  /** e.g. "Google Password Manager", "iCloud Keychain", "1Password". */
  name: string;
}

/** The authenticator facts of a passkey device. */
export interface PasskeyInfo {
  credentialId: string;
  /** Authenticator model id (WebAuthn §6.5.2); all zeros when the authenticator does not say. */
  aaguid: string;
  /** The model named by `aaguid`, when the list knows it. */
  authenticator?: AuthenticatorModel;
  /**
   * `multiDevice` when the credential may be synced to the user's other devices (BE flag,
   * WebAuthn §6.1.3), `singleDevice` when it never leaves this authenticator — SimpleWebAuthn's
   * `credentialDeviceType`. Show "synced passkey" / "this device only".
   */
  credentialDeviceType: 'multiDevice' | 'singleDevice';
  /** BE flag (WebAuthn §6.1): may be synced. Same fact as `credentialDeviceType`. */
  backupEligible: boolean;
  /** BS flag (WebAuthn §6.1), as of the last use: is it backed up now (`credentialBackedUp`). */
  backedUp: boolean;
  transports: AuthenticatorTransport[];
}

/** A device bound to a user. */
export interface Device {
  id: string;
  type: DeviceType;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  /** For a `temporary` face state: when it stops working (it also leaves the list once used). */
  expiresAt?: string;
  /** For `passkey` devices. */
  passkey?: PasskeyInfo;
}

/** `GET /me/devices` (session) and `GET /users/{userId}/devices` (scope `devices.read`) → 200, oldest first. */
export interface ListDevicesResponse {
  devices: Device[];
}

/** `PATCH /me/devices/{deviceId}` (session). */
export type RenameDeviceRequest = Input<typeof schemas.renameDeviceBody>;
/** `PATCH /me/devices/{deviceId}` → 200: the renamed device. */
export type RenameDeviceResponse = Device;

/**
 * `DELETE /me/devices/{deviceId}?confirm=last-passkey`: the user accepts removing their only
 * passkey although no face backup device is left (409 `LAST_PASSKEY` without it).
 */
export type RemoveDeviceQuery = {
  confirm?: 'last-passkey';
};

// `DELETE /me/devices/{deviceId}` and `DELETE /users/{userId}/devices/{deviceId}` → 204.

/**
 * `GET /users/{userId}/devices/{deviceId}/client-state` (scope `client_state.read`) → 200: the
 * sealed face template of a usable `backup`/`temporary` device.
 */
export interface GetClientStateResponse {
  deviceId: string;
  type: FaceDeviceType;
  clientState: string;
  /** Null for a `backup` device. */
  expiresAt: string | null;
}

// ---------------------------------------------------------------------------------------------
// PIN

/** `PUT /me/pin` (session) → 204: sets or replaces the signed-in user's PIN (4-12 digits). */
export type SetPinRequest = Input<typeof schemas.setPinBody>;

/** `POST /pin/verify`: PIN sign-in. */
export type VerifyPinRequest = Input<typeof schemas.verifyPinBody>;

/** A device-key proof (see `POST /device-keys/challenge`): required by PIN checks and credential-reset starts. */
export type DeviceProof = Input<typeof schemas.deviceProof>;
/** What a device-key proof is for. */
export type DeviceProofPurpose = Input<typeof schemas.deviceProofPurpose>;
/** `POST /me/device-keys` (session with a passkey sign-in from the last 5 minutes). */
export type RegisterDeviceKeyRequest = Input<typeof schemas.registerDeviceKeyBody>;
/** → 201: the key's id (its RFC 7638 JWK thumbprint) and the passkey device it is bound to. */
export interface RegisterDeviceKeyResponse {
  keyId: string;
  deviceId: string;
}
/** `POST /device-keys/challenge` (anyone; unknown and known user ids are answered alike). */
export type DeviceProofChallengeRequest = Input<typeof schemas.deviceProofChallengeBody>;
/** → 200: sign `twofold-device-proof:v1:<purpose>:<userId>:<challenge>` with the device key. */
export interface DeviceProofChallengeResponse {
  challengeId: string;
  challenge: string;
  expiresAt: string;
}
/** `POST /pin/verify` → 200 (`amr: ["pin"]`). */
export interface VerifyPinResponse {
  token: string;
}

/** Whether the user has a PIN, and whether it is locked. */
export interface PinStatus {
  set: boolean;
  locked: boolean;
}

// ---------------------------------------------------------------------------------------------
// Face

/** `POST /face/challenge` (enroll: session). */
export type StartFaceChallengeRequest = Input<typeof schemas.faceChallengeBody>;
/** What a face challenge is for. */
export type FacePurpose = StartFaceChallengeRequest['purpose'];

/**
 * A liveness challenge: the actions to perform, in this order, before `expiresAt`, each with the
 * face at its target (`targets[i]` is where the face must be in the frame of `actions[i]`).
 */
export interface FaceChallenge {
  challengeId: string;
  actions: FaceAction[];
  targets: FaceTarget[];
  expiresAt: string;
}
/** `POST /face/challenge` → 200. */
export type StartFaceChallengeResponse = FaceChallenge;

/** `POST /face/enroll` (session); `evidence` is a `FaceEvidence`. */
export type EnrollFaceRequest = Input<typeof schemas.faceEnrollBody>;
/** `POST /face/enroll` → 200: the sealed template (`clientState`) and the device it is kept as. */
export interface EnrollFaceResponse {
  deviceId: string;
  type: FaceDeviceType;
  clientState: string;
}

/** `POST /face/verify`. */
export type VerifyFaceRequest = Input<typeof schemas.faceVerifyBody>;
/** `POST /face/verify` → 200 (`amr: ["face"]`). */
export interface VerifyFaceResponse {
  match: true;
  token: string;
}

// ---------------------------------------------------------------------------------------------
// App transactions (step-up with a post-operation context)

/** A transaction's state. */
export type TransactionStatus = 'pending' | 'approved' | 'denied' | 'expired';
/** How a transaction was confirmed. */
export type TransactionMethod = 'passkey' | 'pin';

/** `POST /transactions` (scope `transactions.create`). */
export type CreateTransactionRequest = Input<typeof schemas.createTransactionBody>;
/** `POST /transactions` → 201. */
export interface CreateTransactionResponse {
  transactionId: string;
  expiresAt: string;
}

/** `GET /transactions/{transactionId}` (scope `transactions.read`) → 200: never the context. */
export interface GetTransactionResponse {
  transactionId: string;
  status: TransactionStatus;
  method?: TransactionMethod;
  decidedAt?: string;
}

/**
 * `POST /transactions/{transactionId}/options` (session of the transaction's user) → 200: the
 * message to show and a WebAuthn challenge bound to the transaction.
 */
export interface StartTransactionConfirmationResponse {
  ceremonyId: string;
  message: string;
  options: PublicKeyCredentialRequestOptionsJSON;
}

/** `POST /transactions/{transactionId}/confirm` (session): `{ceremonyId, response}` or `{pin}`. */
export type ConfirmTransactionRequest = WithResponse<Input<typeof schemas.confirmTransactionBody>, AuthenticationResponseJSON>;
/** `POST /transactions/{transactionId}/confirm` → 200: the context, released this once. */
export interface ConfirmTransactionResponse<C = unknown> {
  status: 'approved';
  context: C;
}

/** `POST /transactions/{transactionId}/deny` (session) → 200. */
export interface DenyTransactionResponse {
  status: 'denied';
}

// ---------------------------------------------------------------------------------------------
// Recovery flows (the flow id is a bearer handle)

/** `POST /recovery`: `{kind: "credential_reset", userId}` or `{kind: "new_device", userId, code: {code, type}}`. */
export type StartRecoveryRequest = Input<typeof schemas.startRecoveryBody>;
/**
 * - `credential_reset`: the user's passkey no longer passes user verification (biometrics
 *   changed) and the PIN is forgotten or locked: choose a new PIN, pass a face check, register a
 *   passkey again on the same device.
 * - `new_device`: a lost device: a pre-authorized code (the host's first factor), a face check
 *   against the enrolled face (stored, or the host's client state), a passkey on this device.
 */
export type RecoveryKind = StartRecoveryRequest['kind'];
/** `expired` once its time ran out before it was completed or abandoned. */
export type RecoveryStatus = 'open' | 'completed' | 'abandoned' | 'expired';
/** A flow's next step; `done` once completed. */
export type RecoveryStep = 'pin' | 'face' | 'passkey' | 'done';
/** The steps a flow lists: `pin` (credential reset) or `code` (new device), then `face`, `passkey`. */
export type RecoveryStepName = 'code' | 'pin' | 'face' | 'passkey';

/** A recovery flow as its holder sees it (never the staged PIN or the code). */
export interface RecoveryFlow {
  /** The flow's handle: keep it to resume. */
  flowId: string;
  userId: string;
  kind: RecoveryKind;
  status: RecoveryStatus;
  /** The next step to do; `done` once completed. */
  step: RecoveryStep;
  /** Every step of this kind of flow, in order, and whether it is done. */
  steps: { name: RecoveryStepName; done: boolean }[];
  /** Whether the flow replaced the PIN (a credential reset, once its face check passed). */
  pinReset: boolean;
  /** Whether the user has a usable stored face template (else the face step needs a `clientState`). */
  faceEnrolled: boolean;
  /** The passkey device bound by the last step. */
  deviceId: string | null;
  expiresAt: string;
}

/** `POST /recovery` → 201. */
export type StartRecoveryResponse = RecoveryFlow;
/** `GET /recovery/{flowId}` → 200. */
export type GetRecoveryResponse = RecoveryFlow;
// `DELETE /recovery/{flowId}` → 204: abandons an open flow.

/** `PUT /recovery/{flowId}/pin` (credential reset): stages the new PIN. */
export type ChooseRecoveryPinRequest = Input<typeof schemas.recoveryPinBody>;
/** `PUT /recovery/{flowId}/pin` → 200. */
export type ChooseRecoveryPinResponse = RecoveryFlow;

/** `POST /recovery/{flowId}/face` (challenge from `POST /face/challenge` with `purpose: "verify"`). */
export type VerifyRecoveryFaceRequest = Input<typeof schemas.recoveryFaceBody>;
/** `POST /recovery/{flowId}/face` → 200; a credential reset also signs in (`amr: ["face"]`). */
export interface VerifyRecoveryFaceResponse {
  flow: RecoveryFlow;
  token?: string;
}

/** `POST /recovery/{flowId}/passkey/options`. */
export type StartRecoveryPasskeyRequest = Input<typeof schemas.recoveryPasskeyOptionsBody>;
/** `POST /recovery/{flowId}/passkey/options` → 200. */
export type StartRecoveryPasskeyResponse = RegistrationCeremony;

/** `POST /recovery/{flowId}/passkey/verify`. */
export type VerifyRecoveryPasskeyRequest = RegistrationBody;
/** `POST /recovery/{flowId}/passkey/verify` → 200: signed in, the flow completed. */
export interface VerifyRecoveryPasskeyResponse extends CeremonyResult {
  flow: RecoveryFlow;
}

/** A flow as a backend sees it: its state, never its handle. */
export interface RecoveryFlowSummary {
  kind: RecoveryKind;
  status: RecoveryStatus;
  step: RecoveryStep;
  pinReset: boolean;
  createdAt: string;
  updatedAt: string;
  expiresAt: string;
}

/** `GET /users/{userId}/recovery` (scope `devices.read`) → 200: the 10 latest flows, newest first. */
export interface ListRecoveriesResponse {
  flows: RecoveryFlowSummary[];
}

/** `POST /users/{userId}/recovery/cancel` (scope `codes.generate`) → 200: abandons every open flow. */
export interface CancelRecoveriesResponse {
  cancelled: number;
}

// ---------------------------------------------------------------------------------------------
// The signed-in user

/** `GET /me` (session) → 200. */
export interface GetMeResponse extends User {
  /** How this session's user authenticated. */
  amr: AuthMethod[];
  pin: PinStatus;
}

/** Security-relevant things that happen (the audit log, `/me/events`, webhooks). */
export type AuditEventType =
  | 'user.created'
  | 'user.signed_in'
  | 'user.signed_out'
  | 'sessions.revoked'
  | 'passkey.added'
  | 'passkey.counter_regression'
  | 'code.generated'
  | 'code.redeemed'
  | 'code.wrong'
  | 'code.locked'
  | 'code.throttled'
  | 'device_key.registered'
  | 'codes.invalidated'
  | 'pin.set'
  | 'pin.replaced'
  | 'pin.wrong'
  | 'pin.locked'
  | 'pin.reset'
  | 'recovery.started'
  | 'recovery.completed'
  | 'recovery.abandoned'
  | 'recovery.cancelled'
  | 'passkey.step_up'
  | 'transaction.created'
  | 'transaction.approved'
  | 'transaction.denied'
  | 'face.enrolled'
  | 'face.verified'
  | 'face.mismatch'
  | 'face.liveness_failed'
  | 'face.locked'
  | 'device.renamed'
  | 'device.removed'
  | 'api_key.created'
  | 'api_key.deleted'
  | 'signing_key.rotated';

/**
 * `DELETE /me/sessions` (session; "sign out everywhere") and `DELETE /users/{userId}/sessions`
 * (service, scope `sessions.revoke`) → 200: how many live sessions were revoked.
 * (`DELETE /me/session`, sign out, answers 204.)
 */
export interface RevokeSessionsResponse {
  revoked: number;
}

/** One entry of a user's recent security activity. */
export interface SecurityEvent {
  id: string;
  type: AuditEventType;
  at: string;
  deviceId: string | null;
  data: Record<string, unknown>;
}

/**
 * `GET /me/events` query (strings, as in a URL): `limit` 1..100, `before` a page's `nextCursor`,
 * `types` a comma list of event types.
 */
export type ListEventsQuery = Input<typeof schemas.listEventsQuery>;

/**
 * `GET /me/events?limit=&before=&types=` (session) → 200: one page of the user's events, newest
 * first (`limit` 1..100, default 50), and the cursor of the next page (`before=nextCursor`), or
 * null on the last. `types`: a comma list of event types to keep.
 */
export interface ListEventsResponse {
  events: SecurityEvent[];
  nextCursor: string | null;
}

/**
 * The body a webhook receiver gets (`POST` to the host's URL, signed with `Twofold-Signature`,
 * `Idempotency-Key: <id>`).
 */
export interface WebhookEvent {
  id: string;
  type: AuditEventType;
  at: string;
  userId: string | null;
  data: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// Errors

/** A validation issue of an `INVALID_REQUEST` problem. */
export interface ProblemIssue {
  /** Dotted path into the body; `(body)` for the body itself. */
  path: string;
  message: string;
}

/**
 * Every error body (`application/problem+json`, RFC 9457) with Twofold's stable `code`. The
 * optional members are present only for the codes named beside them.
 */
export interface Problem {
  /** `https://twofold.dev/problems/<code>`. */
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  /** `INVALID_REQUEST`: what did not match the route's schema. */
  issues?: ProblemIssue[];
  /** `INSUFFICIENT_SCOPE`: the scope the route needs. */
  requiredScope?: Scope;
  /** `PIN_INVALID`, `PIN_LOCKED`: wrong PINs left before the PIN locks. */
  attemptsRemaining?: number;
  /** `RATE_LIMITED`, `FACE_LOCKED`: when to try again (also the `Retry-After` header). */
  retryAfterSeconds?: number;
  /** `LIVENESS_FAILED`: which check failed, in words. */
  reason?: string;
  /** `RECOVERY_OUT_OF_ORDER`: the flow's next step. */
  step?: RecoveryStep;
  /** `BODY_TOO_LARGE`: the largest accepted body; `HEADERS_TOO_LARGE`: the largest accepted request line and headers; in bytes. */
  limit?: number;
}
