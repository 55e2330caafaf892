import type { Hono } from 'hono';
import type { TwofoldContext } from './context.js';
import type { SqlExecutor, SqlLibraries } from './db/executor.js';
import type { Query } from './db/query.js';
import type { RouteKit, TwofoldEnv } from './routing.js';

/**
 * A module's part of one schema migration. Parts of the same `version` from several modules run
 * together in one migration, in the order of `MODULES` (so a table is created before the tables
 * that reference it); the database records only the version, so how a version is split across
 * modules can change without touching a database that has it.
 */
export interface MigrationPart {
  /** The schema version; every version from 1 to the latest has at least one part. */
  version: number;
  /** The migration's name; all parts of one version carry the same. */
  name: string;
  /** Tables this part creates (moving a database between schemas moves exactly these). */
  creates?: readonly string[];
  /** Statements separated by `;` at line ends; no `;` inside literals. */
  sql: string;
}

/** A domain function as modules write them: the instance's context first, then its options. */
// biome-ignore lint/suspicious/noExplicitAny: a verb's own parameter types are kept by BoundVerbs; any context slice is accepted here
export type Verb = (ctx: TwofoldContext, ...args: any[]) => unknown;
/** A module's verbs: functions, or namespaces of functions (`users.create`), each taking the context first. */
export type Verbs = Record<string, Verb | Record<string, Verb>>;
/** {@link Verbs} with the context bound: what `createTwofold` returns (`users.create(options)`). */
export type BoundVerbs<V> = {
  [K in keyof V]: V[K] extends Verb ? BoundVerb<V[K]> : { [L in keyof V[K]]: BoundVerb<V[K][L]> };
};
type BoundVerb<F> = F extends (ctx: TwofoldContext, ...args: infer A) => infer R ? (...args: A) => R : never;

/** Binds verbs to one context (see {@link BoundVerbs}). */
export function bindVerbs<V extends Verbs>(ctx: TwofoldContext, verbs: V): BoundVerbs<V> {
  const bind =
    (verb: Verb) =>
    (...args: unknown[]) =>
      verb(ctx, ...args);
  const entries = Object.entries(verbs).map(([name, v]) => [
    name,
    typeof v === 'function' ? bind(v) : Object.fromEntries(Object.entries(v).map(([verb, f]) => [verb, bind(f)])),
  ]);
  return Object.fromEntries(entries) as BoundVerbs<V>;
}

/**
 * Everything a domain module adds to a Twofold instance, described once in its `module.ts`:
 * the composition (`src/modules.ts`) loops over a list of these to build the SQL store, run the
 * migrations, mount the HTTP routes and assemble the object `createTwofold` returns.
 *
 * @typeParam Slice - its slice of the {@link Store} (declared in `<module>/store.ts`)
 * @typeParam V - its verbs on the object `createTwofold` returns
 */
export interface TwofoldModule<Slice extends object = object, V extends Verbs = Verbs> {
  /** The folder name, for errors and the route table. */
  readonly name: string;
  /** Its tables, as parts of the schema's migrations. */
  readonly migrations?: readonly MigrationPart[];
  /** Its slice of the store over one connection or transaction. */
  readonly sql?: (q: Query, db: SqlExecutor, libraries: SqlLibraries) => Slice;
  /** Its HTTP routes, a Hono sub-app mounted at the API's base path. */
  readonly routes?: (ctx: TwofoldContext, kit: RouteKit) => Hono<TwofoldEnv>;
  /** Paths of its routes (Hono syntax, under the base path) whose bodies carry camera frames: they get the larger body limit. */
  readonly evidencePaths?: readonly string[];
  /** Its verbs on the object `createTwofold` returns (bound to the instance's context there). */
  readonly verbs?: V;
}

/** Declares a module; only a type helper (it keeps the slice and verb types for the composition). */
export function defineModule<Slice extends object = object, V extends Verbs = Verbs>(
  module: TwofoldModule<Slice, V>,
): TwofoldModule<Slice, V> {
  return module;
}
