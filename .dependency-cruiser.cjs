// @ts-check
/**
 * The project's import walls (DESIGN.md → "Walls"), checked by `pnpm check:deps`:
 * - no import cycles among packages/*\/src files — type-only imports included
 *   (`tsPreCompilationDeps: true` keeps `import type` / `export type` edges in the graph);
 * - the client and the server never import each other (either may import @twofold/protocol);
 * - @twofold/testing imports only types from @twofold/server, except its ./playwright entry
 *   (packages/testing/src/playwright/), whose `twofold` fixture starts a server;
 * - files in packages/server/src/<module>/ never import packages/server/src/http/;
 * - the server's root and ./storage entries never reach `node:*` built-ins, `pg`,
 *   `@electric-sql/pglite` or `rate-limiter-flexible` (those live behind the ./node, ./pglite and
 *   ./postgres subpaths);
 * - the server's adapters (packages/server/src/adapters/) never import its CLI
 *   (packages/server/src/cli/): `twofold serve` is built on the Node adapter, not the reverse;
 * - a server module (VIA_INDEX below) is imported from outside its folder only through its
 *   index.ts, its store.ts (the storage contract) type-only, and its module.ts (its description:
 *   routes, store slice, migrations, facade) by src/modules.ts alone; context.ts (the context
 *   every module's functions take) imports it type-only; modules never import storage/.
 * Workspace packages resolve through their `@twofold/source` export condition, i.e. to src.
 */
const { builtinModules } = require('node:module');

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/** `fs`, `node:fs`, `fs/promises`, `node:test`, … — however the built-in is spelled. */
const NODE_BUILTIN = `^(node:.+|${builtinModules
  .filter((m) => !m.startsWith('_'))
  .map(escapeRegExp)
  .join('|')})$`;
/** An npm package by name, wherever pnpm put it (node_modules/.pnpm/<pkg>@<v>/node_modules/<pkg>/…). */
const npmPackage = (name) => `(^|/)node_modules/${escapeRegExp(name)}/`;

/**
 * Server modules with a public face: other code reaches them only through `<module>/index.ts`.
 * Every domain module (a folder with a module.ts, listed in src/modules.ts) and the WebAuthn core.
 */
const VIA_INDEX = [
  'apikeys',
  'audit',
  'ceremonies',
  'codes',
  'devicekeys',
  'devices',
  'face',
  'passkeys',
  'pins',
  'ratelimits',
  'recovery',
  'sessions',
  'sweep',
  'transactions',
  'users',
  'webauthn',
];
const SERVER_SRC = '^packages/server/src/';
/** A file of a VIA_INDEX module; `face`: only that file (`(index|routes)`, …), else any. */
const viaIndexModule = (face = '') => `${SERVER_SRC}(${VIA_INDEX.join('|')})/${face && `${face}\\.ts$`}`;
/** The importing file's top folder (or root file) under src, as `$1`: a module may import itself. */
const FROM_TOP = `${SERVER_SRC}([^/]+)`;
const SAME_TOP = `${SERVER_SRC}$1/`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles (type-only imports count too) make modules impossible to load, test or split on their own.',
      from: { path: '^packages/[^/]+/src/' },
      to: { circular: true },
    },
    {
      name: 'client-not-server',
      severity: 'error',
      comment: 'The browser client talks to the server over HTTP; of the workspace it may only import @twofold/protocol.',
      from: { path: '^packages/client/src/' },
      to: { path: '^packages/(?!client/|protocol/)[^/]+/' },
    },
    {
      name: 'server-not-client',
      severity: 'error',
      comment: 'The server never imports the client (or test helpers); of the workspace it may only import @twofold/protocol.',
      from: { path: '^packages/server/src/' },
      to: { path: '^packages/(?!server/|protocol/)[^/]+/' },
    },
    {
      name: 'testing-only-server-types',
      severity: 'error',
      comment:
        '@twofold/testing (e.g. the Store conformance suite) imports only types from @twofold/server, which is an optional peer: no runtime dependency, no runtime cycle (the server tests use @twofold/testing). Only the ./playwright entry (src/playwright/**) may load it at runtime: its `twofold` fixture starts a server, and nothing in the server imports that entry.',
      from: { path: '^packages/testing/src/(?!playwright/)' },
      to: { path: '^packages/server/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'testing-rest-not-playwright',
      severity: 'error',
      comment:
        'The rest of @twofold/testing never imports its ./playwright entry, so the server (loaded at runtime only there) stays out of the root entry and the conformance suite.',
      from: { path: '^packages/testing/src/(?!playwright/)' },
      to: { path: '^packages/testing/src/playwright/' },
    },
    {
      name: 'modules-not-http',
      severity: 'error',
      comment:
        'Domain modules (packages/server/src/<module>/) never import the HTTP layer; http/ mounts module routes, not the other way round. Only what sits above it (cli/, adapters/) may use it.',
      from: { path: '^packages/server/src/(?!http/|cli/|adapters/)[^/]+/' },
      to: { path: '^packages/server/src/http/' },
    },
    {
      name: 'server-root-runtime-agnostic',
      severity: 'error',
      comment:
        'The root of @twofold/server (and its ./storage contract) runs on any Web-standard runtime: it never reaches Node built-ins, pg, PGlite or rate-limiter-flexible (use the ./node, ./pglite, ./postgres subpaths).',
      from: { path: '^packages/server/src/(index|storage/index)\\.ts$' },
      to: {
        reachable: true,
        path: [NODE_BUILTIN, npmPackage('pg'), npmPackage('@electric-sql/pglite'), npmPackage('rate-limiter-flexible')],
      },
    },
    {
      name: 'adapters-not-cli',
      severity: 'error',
      comment:
        'The CLI (packages/server/src/cli/) is built on the adapters (packages/server/src/adapters/), never the reverse: what a host of its own needs (readSettings, loadSecretKeys) lives in adapters/node/ and cli/ imports it from there.',
      from: { path: '^packages/server/src/adapters/' },
      to: { path: '^packages/server/src/cli/' },
    },
    {
      name: 'module-via-index',
      severity: 'error',
      comment:
        "A server module (VIA_INDEX) is imported from outside its folder only through its index.ts (its functions and types for other code) or, type-only, its store.ts (its slice of the storage contract); its description, module.ts, only by the composition (src/modules.ts). Its routes.ts, sql.ts and migrations.ts are its module.ts's alone. context.ts imports it type-only (the context it types is imported by the module itself, so an index there would be a cycle).",
      from: { path: FROM_TOP, pathNot: `${SERVER_SRC}context\\.ts$` },
      to: { path: viaIndexModule(), pathNot: [SAME_TOP, viaIndexModule('(index|store|module)')] },
    },
    {
      name: 'module-description-via-composition',
      severity: 'error',
      comment:
        "A module's description (module.ts: its routes, store slice, migrations and facade) is read by the composition only: src/modules.ts lists the modules, and the SQL store, the HTTP app and createTwofold loop over that list.",
      from: { path: SERVER_SRC, pathNot: `${SERVER_SRC}modules\\.ts$` },
      to: { path: viaIndexModule('module'), pathNot: SAME_TOP },
    },
    {
      name: 'module-store-types-only',
      severity: 'error',
      comment:
        "A module's store.ts (its slice of the storage contract and its records) is imported from outside only type-only (`import type`); what runs is behind its index.ts.",
      from: { path: FROM_TOP },
      to: { path: viaIndexModule('store'), pathNot: SAME_TOP, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'modules-not-storage',
      severity: 'error',
      comment:
        'Modules never import storage/ (the stores: the SQL store, the engines, their entry points), which is built from the modules: their SQL uses db/ (the query helpers), the contract is src/store.ts. So storage/ depends on the modules and never the reverse.',
      from: { path: viaIndexModule() },
      to: { path: `${SERVER_SRC}storage/` },
    },
    {
      name: 'context-imports-modules-type-only',
      severity: 'error',
      comment:
        'context.ts (the context every module function takes) imports VIA_INDEX modules type-only: it types their services (PasskeyCache, TokenService) and runs none of them, and through their index.ts it would be a cycle (the modules import context.ts).',
      from: { path: `${SERVER_SRC}context\\.ts$` },
      to: { path: viaIndexModule(), dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'Every import must resolve, or the rules above would silently skip it.',
      from: { path: '^packages/[^/]+/src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // `import type` and `export type` edges stay in the graph: type-only cycles are cycles too.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^packages/[^/]+/dist/' },
    // process.getBuiltinModule('fs') is a Node built-in too.
    detectProcessBuiltinModuleCalls: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      // `@twofold/source` first: workspace packages resolve to their TypeScript sources.
      conditionNames: ['@twofold/source', 'import', 'require', 'node', 'default'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: false,
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
