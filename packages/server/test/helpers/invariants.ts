/**
 * Invariants of a Twofold database that hold whatever happened to the servers (load, races,
 * crashes): each query returns the rows that break one. Shared by `pnpm bench:load` and the
 * fault tests.
 */
export const STORED_INVARIANTS: readonly [name: string, sql: string][] = [
  [
    'a code redeemed more than once',
    `SELECT data->>'codeId' AS code, count(*)::int AS n FROM audit_events WHERE type = 'code.redeemed' GROUP BY 1 HAVING count(*) > 1`,
  ],
  [
    'a code marked used without exactly one redemption (or redeemed without being marked used)',
    `SELECT c.id FROM codes c WHERE (c.used_at IS NOT NULL) <> EXISTS (SELECT 1 FROM audit_events e WHERE e.type = 'code.redeemed' AND e.data->>'codeId' = c.id)`,
  ],
  [
    'a transaction decided more than once',
    `SELECT data->>'transactionId' AS tx, count(*)::int AS n FROM audit_events WHERE type IN ('transaction.approved', 'transaction.denied') GROUP BY 1 HAVING count(*) > 1`,
  ],
  [
    'a transaction whose row and decision disagree (decided but context kept, or pending with a decision)',
    `SELECT id, status FROM transactions
     WHERE (status = 'pending' AND (decided_at IS NOT NULL OR method IS NOT NULL OR sealed_context IS NULL))
        OR (status <> 'pending' AND (decided_at IS NULL OR method IS NULL OR sealed_context IS NOT NULL))
        OR (status <> 'pending') <> EXISTS (SELECT 1 FROM audit_events e WHERE e.type IN ('transaction.approved', 'transaction.denied') AND e.data->>'transactionId' = transactions.id)`,
  ],
  [
    'a passkey without its device (or on another user, or on a non-passkey device)',
    `SELECT p.credential_id FROM passkeys p LEFT JOIN devices d ON d.id = p.device_id WHERE d.id IS NULL OR d.user_id <> p.user_id OR d.type <> 'passkey'`,
  ],
  [
    'a passkey device without its passkey',
    `SELECT d.id FROM devices d WHERE d.type = 'passkey' AND NOT EXISTS (SELECT 1 FROM passkeys p WHERE p.device_id = d.id)`,
  ],
  [
    'a user signed up from a browser without a device (half-written sign-up)',
    `SELECT u.id FROM users u WHERE EXISTS (SELECT 1 FROM audit_events e WHERE e.type = 'user.created' AND e.user_id = u.id AND e.actor = 'user:' || u.id)
       AND NOT EXISTS (SELECT 1 FROM devices d WHERE d.user_id = u.id)`,
  ],
  [
    'rows of a user that does not exist',
    `SELECT 'devices' AS t, id FROM devices WHERE user_id NOT IN (SELECT id FROM users)
     UNION ALL SELECT 'codes', id FROM codes WHERE user_id NOT IN (SELECT id FROM users)
     UNION ALL SELECT 'transactions', id FROM transactions WHERE user_id NOT IN (SELECT id FROM users)
     UNION ALL SELECT 'pins', user_id FROM pins WHERE user_id NOT IN (SELECT id FROM users)
     UNION ALL SELECT 'audit_events', id FROM audit_events WHERE user_id IS NOT NULL AND user_id NOT IN (SELECT id FROM users)`,
  ],
  ['more than one active signing key', `SELECT count(*)::int AS n FROM signing_keys WHERE retired_at IS NULL HAVING count(*) <> 1`],
  ['a PIN over its wrong-attempt limit', `SELECT user_id, failed_attempts FROM pins WHERE failed_attempts > 3`],
];

/** Runs every {@link STORED_INVARIANTS} query; `bad` counts the offending rows. */
export async function checkStoredInvariants(
  query: (sql: string) => Promise<{ rows: unknown[] }>,
): Promise<{ name: string; bad: number; sample: unknown[] }[]> {
  const results = [];
  for (const [name, sql] of STORED_INVARIANTS) {
    const { rows } = await query(sql);
    results.push({ name, bad: rows.length, sample: rows.slice(0, 3) });
  }
  return results;
}
