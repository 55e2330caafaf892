import pg from 'pg';
import { generateSealingKey } from '../../src/sealing/keyring.js';
import { runCli, type CliProcess } from './cli.js';

/** The origin every server of a cluster accepts (clients sign for it). */
export const CLUSTER_ORIGIN = 'http://localhost:5173';
/** The service API key every server of a cluster ensures at start (TWOFOLD_API_KEY). */
export const CLUSTER_API_KEY = 'tfk_cluster-0123456789abcdef';

/** `url` with `search_path` set to `schema` (libpq's `options` parameter, which `pg` passes on). */
export function withSchema(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

/** Runs one statement on its own connection. */
export async function adminQuery(databaseUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface ClusterOptions {
  /** How many `twofold serve` processes. */
  servers: number;
  /** The PostgreSQL they share (a fresh schema is made in it). */
  databaseUrl: string;
  /** Prefix of the schema's name. */
  schemaPrefix?: string;
  /** Points the servers at this URL instead of `databaseUrl` (e.g. a proxy in front of it). */
  serverDatabaseUrl?: string;
  /** Extra environment for every server. */
  env?: Record<string, string>;
}

/**
 * Several `twofold serve` processes on one PostgreSQL schema, configured identically (RP,
 * origins, API key, secret keys), as docs/deploy.md describes. `drop()` stops them and drops
 * the schema.
 */
export async function startCluster(options: ClusterOptions) {
  const schema = `${options.schemaPrefix ?? 'twofold_cluster'}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await adminQuery(options.databaseUrl, `CREATE SCHEMA ${schema}`);
  const env = {
    DATABASE_URL: withSchema(options.serverDatabaseUrl ?? options.databaseUrl, schema),
    PORT: '0',
    HOST: '127.0.0.1',
    TWOFOLD_RP_ID: 'localhost',
    TWOFOLD_ORIGINS: CLUSTER_ORIGIN,
    TWOFOLD_API_KEY: CLUSTER_API_KEY,
    TWOFOLD_SECRET_KEYS: generateSealingKey('k1'),
    TWOFOLD_OPEN_REGISTRATION: 'true',
    ...options.env,
  };
  const start = () => runCli(['serve'], env);
  const servers: CliProcess[] = [];
  try {
    servers.push(...Array.from({ length: options.servers }, start));
    await Promise.all(servers.map((s) => s.ready));
  } catch (error) {
    for (const s of servers) s.child.kill('SIGKILL');
    await adminQuery(options.databaseUrl, `DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
    throw error;
  }
  // The servers bind 127.0.0.1 only; `localhost` may resolve to ::1 first.
  const urls = (await Promise.all(servers.map((s) => s.ready))).map((u) => u.replace('//localhost:', '//127.0.0.1:'));
  return {
    schema,
    env,
    servers,
    urls,
    /** A PostgreSQL client on the cluster's schema (the caller ends it). */
    async connect(): Promise<pg.Client> {
      const client = new pg.Client({ connectionString: withSchema(options.databaseUrl, schema) });
      await client.connect();
      return client;
    },
    /** Starts one more server with the same settings; resolves with its process once it listens. */
    async startAnother(): Promise<CliProcess> {
      const s = start();
      await s.ready;
      servers.push(s);
      return s;
    },
    async drop(): Promise<void> {
      await Promise.all(
        servers.map((s) => {
          if (s.child.exitCode !== null || s.child.signalCode !== null) return undefined;
          s.child.kill('SIGTERM');
          return Promise.race([s.exited, new Promise((r) => setTimeout(r, 5000))]).then(() => void s.child.kill('SIGKILL'));
        }),
      );
      await adminQuery(options.databaseUrl, `DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    },
  };
}

export type Cluster = Awaited<ReturnType<typeof startCluster>>;
