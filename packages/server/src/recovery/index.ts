/**
 * The recovery module's public face for the rest of the server. Its description for the composition
 * (routes, store slice, migrations, verbs) is `module.ts`.
 */
export {
  RECOVERY_TTL_SECONDS,
  type StartRecoveryOptions,
  type GetRecoveryOptions,
  type ChooseRecoveryPinOptions,
  type VerifyRecoveryFaceOptions,
  type StartRecoveryPasskeyOptions,
  type VerifyRecoveryPasskeyOptions,
  type AbandonRecoveryOptions,
  type ListRecoveriesOptions,
  type CancelRecoveriesOptions,
  type RecoveryFlow,
  type RecoveryFlowSummary,
  type RecoveryKind,
  type RecoveryStep,
} from './recovery.js';
