/**
 * The transactions module's public face for the rest of the server. Its description for the composition
 * (routes, store slice, migrations, verbs) is `module.ts`.
 */
export type {
  CreateTransactionOptions,
  GetTransactionOptions,
  StartTransactionConfirmationOptions,
  ConfirmTransactionOptions,
  DenyTransactionOptions,
} from './transactions.js';
