import { parseArgs } from 'node:util';
import type { RetentionSettings } from '../../sweep/index.js';

/** Resolved settings of `twofold serve` (see the settings table in the repository README). */
export interface ServeSettings {
  port: number;
  host: string | undefined;
  dataDir: string;
  databaseUrl: string | undefined;
  /** PostgreSQL schema for the tables (TWOFOLD_DATABASE_SCHEMA); undefined = `twofold` (or a search_path in DATABASE_URL). */
  databaseSchema: string | undefined;
  /** Move the tables from this schema into `databaseSchema` at start (TWOFOLD_MOVE_FROM_SCHEMA, e.g. `public` for a 0.1 database). */
  moveFromSchema: string | undefined;
  rpId: string;
  /** Allowed origins; undefined means `http://localhost:<port actually bound>`. */
  origins: string[] | undefined;
  /** Other sites' origins allowed to use the RP ID (WebAuthn L3 §5.11), served at `/.well-known/webauthn`. */
  relatedOrigins: string[] | undefined;
  apiKey: string | undefined;
  openRegistration: boolean;
  staticDir: string | undefined;
  /** `id:base64url,...` from TWOFOLD_SECRET_KEYS; undefined = a key file in the data dir (embedded only). */
  secretKeys: string | undefined;
  /** URL template for link codes; `{code}` and `{userId}` are filled in. */
  linkTemplate: string | undefined;
  /** Deliver transaction decisions to this URL, signed with `webhookSecret`. */
  webhookUrl: string | undefined;
  webhookSecret: string | undefined;
  /** Liveness actions for face challenges (comma list of turn_left, turn_right, move_closer). */
  faceActions: string[] | undefined;
  /** Worker threads for face checks (0: face checks off). Default: one per core. */
  faceThreads: number | undefined;
  /** Testing only: a movable clock, advanced with POST /__test__/clock. Never in production. */
  testClock: boolean;
  /**
   * Development only (TWOFOLD_INSECURE_NO_SECRET_KEYS=true): start on PostgreSQL without
   * secret keys, keeping signing keys unsealed and short codes unkeyed. Refused otherwise.
   */
  insecureNoSecretKeys: boolean;
  /**
   * Reverse proxies in front of the server (TWOFOLD_TRUSTED_PROXIES, default 0): with N > 0 the
   * client address is the N-th entry from the right of X-Forwarded-For; with 0, the socket's.
   */
  trustedProxies: number;
  /**
   * Retention in days (TWOFOLD_RETENTION_AUDIT_DAYS, _TRANSACTIONS_DAYS, _RECOVERY_DAYS,
   * _CODES_DAYS; `forever` keeps rows); unset ones keep the defaults of `DEFAULT_RETENTION`.
   */
  retention: Partial<RetentionSettings>;
  /** How often `serve` sweeps (TWOFOLD_SWEEP_INTERVAL_SECONDS, default 60; 0: never, run `twofold sweep` from cron). */
  sweepIntervalSeconds: number;
}

export interface ReadSettingsOptions {
  /** Command-line flags (`--port 8080`, ...), which win over the environment. Default: none. */
  argv?: string[];
  /** Default `process.env`. */
  env?: Record<string, string | undefined>;
}

/**
 * The settings `twofold serve` runs with (PORT, TWOFOLD_DATA_DIR, DATABASE_URL, TWOFOLD_RP_ID,
 * TWOFOLD_ORIGINS, TWOFOLD_API_KEY, ...; see the README's table), validated, so a host of its own
 * reads them the same way. Throws an Error with a readable message.
 */
export function readSettings({ argv = [], env = process.env }: ReadSettingsOptions = {}): ServeSettings {
  return resolveSettings(argv, env).settings;
}

/** `parseArgs` options for flags that each take one string (typed per name, so `values` is too). */
function stringOptions<const N extends string>(names: readonly N[]): Record<N, { type: 'string' }> {
  return Object.fromEntries(names.map((name) => [name, { type: 'string' }])) as Record<N, { type: 'string' }>;
}

/**
 * Parses flags over environment variables; throws an Error with a readable message. `twofold`'s
 * command line (cli/main.ts, whose `USAGE` lists the flags) and {@link readSettings} share it.
 */
export function resolveSettings(
  argv: string[],
  env: Record<string, string | undefined>,
): { command: string[]; help: boolean; settings: ServeSettings; name: string | undefined; scopes: string[] } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      ...stringOptions([
        'port',
        'host',
        'data-dir',
        'database-url',
        'database-schema',
        'move-from-schema',
        'rp-id',
        'origins',
        'related-origins',
        'api-key',
        'open-registration',
        'static-dir',
        'secret-keys',
        'link-template',
        'webhook-url',
        'face-actions',
        'face-threads',
        'webhook-secret',
        'trusted-proxies',
        'retention-audit-days',
        'retention-transactions-days',
        'retention-recovery-days',
        'retention-codes-days',
        'sweep-interval-seconds',
        'name',
        'scopes',
      ]),
      help: { type: 'boolean', short: 'h' },
    },
  });
  const pick = (flag: keyof typeof values, name: string) => {
    const v = values[flag] ?? env[name];
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
  };
  const portText = pick('port', 'PORT') ?? '8080';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 0 || port > 65535) throw new Error(`PORT must be a number from 0 to 65535, not "${portText}".`);
  const openText = (pick('open-registration', 'TWOFOLD_OPEN_REGISTRATION') ?? 'true').toLowerCase();
  if (!['true', 'false', '1', '0', 'yes', 'no'].includes(openText)) {
    throw new Error(`TWOFOLD_OPEN_REGISTRATION must be true or false, not "${openText}".`);
  }
  const databaseUrl = pick('database-url', 'DATABASE_URL');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new Error('DATABASE_URL must be a postgres:// or postgresql:// URL.');
  }
  const schemaSetting = (flag: 'database-schema' | 'move-from-schema', name: string) => {
    const v = pick(flag, name);
    if (v !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(v))
      throw new Error(`${name} must be a schema name of lower-case letters, digits and _, not "${v}".`);
    if (v !== undefined && databaseUrl === undefined)
      throw new Error(`${name} needs DATABASE_URL (the embedded database keeps its tables in public).`);
    return v;
  };
  const databaseSchema = schemaSetting('database-schema', 'TWOFOLD_DATABASE_SCHEMA');
  const moveFromSchema = schemaSetting('move-from-schema', 'TWOFOLD_MOVE_FROM_SCHEMA');
  const originList = (flag: 'origins' | 'related-origins', variable: string) => {
    const list = pick(flag, variable)
      ?.split(',')
      .map((o) => o.trim())
      .filter(Boolean);
    for (const o of list ?? []) {
      let ok = false;
      try {
        ok = new URL(o).origin === o;
      } catch {}
      if (!ok) throw new Error(`${variable}: "${o}" is not an origin like https://example.com (scheme, host, optional port, no path).`);
    }
    return list;
  };
  const origins = originList('origins', 'TWOFOLD_ORIGINS');
  const relatedOrigins = originList('related-origins', 'TWOFOLD_RELATED_ORIGINS');
  const webhookUrl = pick('webhook-url', 'TWOFOLD_WEBHOOK_URL');
  const webhookSecret = pick('webhook-secret', 'TWOFOLD_WEBHOOK_SECRET');
  if (webhookUrl !== undefined) {
    if (!/^https?:\/\//.test(webhookUrl)) throw new Error('TWOFOLD_WEBHOOK_URL must be an http(s) URL.');
    if (!webhookSecret || webhookSecret.length < 32)
      throw new Error('TWOFOLD_WEBHOOK_SECRET (at least 32 characters) is needed with TWOFOLD_WEBHOOK_URL.');
  }
  const faceActionsText = pick('face-actions', 'TWOFOLD_FACE_ACTIONS');
  const faceActions = faceActionsText
    ?.split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  for (const a of faceActions ?? []) {
    if (!['turn_left', 'turn_right', 'move_closer'].includes(a))
      throw new Error(`TWOFOLD_FACE_ACTIONS: unknown action "${a}" (turn_left, turn_right, move_closer).`);
  }
  if (faceActions && new Set(faceActions).size < 2)
    throw new Error(
      'TWOFOLD_FACE_ACTIONS needs at least two distinct actions (with one, re-labelled recorded frames pass about one check in eight).',
    );
  const faceThreadsText = pick('face-threads', 'TWOFOLD_FACE_THREADS');
  const faceThreads = faceThreadsText === undefined ? undefined : Number(faceThreadsText);
  if (faceThreads !== undefined && !(Number.isInteger(faceThreads) && faceThreads >= 0 && faceThreads <= 64)) {
    throw new Error('TWOFOLD_FACE_THREADS must be a whole number from 0 (face checks off) to 64.');
  }
  const proxiesText = pick('trusted-proxies', 'TWOFOLD_TRUSTED_PROXIES') ?? '0';
  const trustedProxies = Number(proxiesText);
  if (!/^\d{1,2}$/.test(proxiesText))
    throw new Error(`TWOFOLD_TRUSTED_PROXIES must be a small whole number (0 without a proxy), not "${proxiesText}".`);
  const apiKey = pick('api-key', 'TWOFOLD_API_KEY');
  if (apiKey !== undefined && apiKey.length < 16) throw new Error('TWOFOLD_API_KEY must be at least 16 characters.');
  const retention: Partial<RetentionSettings> = {};
  for (const [flag, name, key] of [
    ['retention-audit-days', 'TWOFOLD_RETENTION_AUDIT_DAYS', 'auditEventsDays'],
    ['retention-transactions-days', 'TWOFOLD_RETENTION_TRANSACTIONS_DAYS', 'transactionsDays'],
    ['retention-recovery-days', 'TWOFOLD_RETENTION_RECOVERY_DAYS', 'recoveryFlowsDays'],
    ['retention-codes-days', 'TWOFOLD_RETENTION_CODES_DAYS', 'codesDays'],
  ] as const) {
    const text = pick(flag, name);
    if (text === undefined) continue;
    if (text === 'forever') retention[key] = Infinity;
    else if (/^\d{1,5}$/.test(text)) retention[key] = Number(text);
    else throw new Error(`${name} must be a whole number of days (0 to 99999) or "forever", not "${text}".`);
  }
  const intervalText = pick('sweep-interval-seconds', 'TWOFOLD_SWEEP_INTERVAL_SECONDS') ?? '60';
  if (!/^\d{1,6}$/.test(intervalText))
    throw new Error(`TWOFOLD_SWEEP_INTERVAL_SECONDS must be a whole number of seconds (0: never), not "${intervalText}".`);
  return {
    command: positionals,
    help: values.help === true,
    name: values.name,
    scopes: (values.scopes ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
    settings: {
      port,
      host: pick('host', 'HOST'),
      dataDir: pick('data-dir', 'TWOFOLD_DATA_DIR') ?? '.twofold',
      databaseUrl,
      databaseSchema,
      moveFromSchema,
      rpId: pick('rp-id', 'TWOFOLD_RP_ID') ?? 'localhost',
      origins,
      relatedOrigins,
      apiKey,
      openRegistration: ['true', '1', 'yes'].includes(openText),
      staticDir: pick('static-dir', 'TWOFOLD_STATIC_DIR'),
      secretKeys: pick('secret-keys', 'TWOFOLD_SECRET_KEYS'),
      linkTemplate: pick('link-template', 'TWOFOLD_LINK_TEMPLATE'),
      testClock: env.TWOFOLD_UNSAFE_TEST_CLOCK === 'true',
      insecureNoSecretKeys: env.TWOFOLD_INSECURE_NO_SECRET_KEYS === 'true',
      trustedProxies,
      retention,
      sweepIntervalSeconds: Number(intervalText),
      faceActions,
      faceThreads,
      webhookUrl,
      webhookSecret,
    },
  };
}
