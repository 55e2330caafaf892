/** `twofold --help`: the commands, and the flags `resolveSettings` (adapters/node/settings.ts) reads. */
export const USAGE = `Usage: twofold <command> [options]

Commands:
  serve                                     run the HTTP server (API under /api/v1)
  api-key create --name N --scopes a,b      create a service API key; prints its secret once
  signing-key rotate                        sign new session tokens with a new key
  signing-key prune                         delete keys retired more than a day ago
  secret-key generate                       print a new secret key for TWOFOLD_SECRET_KEYS
  sweep                                     delete expired rows and rows past retention, then exit
                                            (one process at a time per database; others skip)
  (the admin commands open the same database: stop a server on an embedded data dir first)

Scopes: users.create users.retrieve devices.read devices.delete codes.generate
        transactions.create transactions.read

Options (each also read from the environment variable shown):
  --port N                 PORT                        HTTP port (default 8080)
  --host ADDR              HOST                        interface to bind (default: all)
  --data-dir DIR           TWOFOLD_DATA_DIR            embedded database directory (default .twofold)
  --database-url URL       DATABASE_URL                use PostgreSQL instead of the embedded database
  --database-schema S      TWOFOLD_DATABASE_SCHEMA     PostgreSQL schema for Twofold's tables (default twofold)
  --move-from-schema S     TWOFOLD_MOVE_FROM_SCHEMA    move the tables from schema S first, in one transaction
                                                       (upgrading from 0.1.0, which used public; idempotent)
  --rp-id ID               TWOFOLD_RP_ID               WebAuthn RP ID (default localhost)
  --origins A,B            TWOFOLD_ORIGINS             allowed origins (default http://localhost:PORT)
  --related-origins A,B    TWOFOLD_RELATED_ORIGINS     other sites' origins that may use the RP ID
                                                       (served at /.well-known/webauthn; default none)
  --api-key SECRET         TWOFOLD_API_KEY             ensure a service key with every scope and this secret
  --open-registration B    TWOFOLD_OPEN_REGISTRATION   allow browser sign-up: true|false (default true)
  --static-dir DIR         TWOFOLD_STATIC_DIR          serve this folder (the built demo) at /
  --secret-keys K          TWOFOLD_SECRET_KEYS         id:base64url keys sealing secrets at rest (first seals);
                                                       default: a key file in the embedded data dir;
                                                       required with DATABASE_URL
  --link-template URL      TWOFOLD_LINK_TEMPLATE       link codes: URL with {code} and {userId}
                                                       (default with --static-dir: <origin>/#/recover?user={userId}&code={code})
  --webhook-url URL        TWOFOLD_WEBHOOK_URL         POST transaction decisions here (signed)
  --webhook-secret S       TWOFOLD_WEBHOOK_SECRET      HMAC secret for those webhooks (≥ 32 characters)
  --face-actions A,B       TWOFOLD_FACE_ACTIONS        liveness actions: turn_left,turn_right,move_closer (default all)
  --face-threads N         TWOFOLD_FACE_THREADS        worker threads for face checks; 0 turns them off (default: cores)
  --retention-audit-days N         TWOFOLD_RETENTION_AUDIT_DAYS         keep audit events N days (default 365; forever)
  --retention-transactions-days N  TWOFOLD_RETENTION_TRANSACTIONS_DAYS  keep transactions N days after expiry (30)
  --retention-recovery-days N      TWOFOLD_RETENTION_RECOVERY_DAYS      keep recovery flows N days after expiry (30)
  --retention-codes-days N         TWOFOLD_RETENTION_CODES_DAYS         keep codes N days after expiry (30)
  --sweep-interval-seconds N       TWOFOLD_SWEEP_INTERVAL_SECONDS       serve: sweep every N s (default 60; 0 never)
  --trusted-proxies N      TWOFOLD_TRUSTED_PROXIES     reverse proxies in front (client address from
                                                       X-Forwarded-For); default 0: the socket address
  --name N, --scopes A,B                               for api-key create
  -h, --help               show this help
`;
