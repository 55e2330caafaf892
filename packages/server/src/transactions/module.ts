import { defineModule } from '../module.js';
import { migrations } from './migrations.js';
import { transactionsRoutes } from './routes.js';
import { transactionsSql } from './sql.js';
import { confirmTransaction, createTransaction, denyTransaction, getTransaction, startTransactionConfirmation } from './transactions.js';

/** App transactions: step-up confirmation of a sensitive action, by passkey or PIN. */
export const transactionsModule = defineModule({
  name: 'transactions',
  migrations,
  sql: transactionsSql,
  routes: transactionsRoutes,
  verbs: {
    transactions: {
      /** Starts a step-up transaction; the context is released only on confirmation. */
      create: createTransaction,
      /** The outcome, never the context. */
      get: getTransaction,
      /** WebAuthn options bound to the transaction, for the user's passkey. */
      startConfirmation: startTransactionConfirmation,
      confirm: confirmTransaction,
      deny: denyTransaction,
    },
  },
});
