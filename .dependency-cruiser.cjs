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
 *   (packages/server/src/cli/): `twofold serve` is built on the Node adapter, not the reverse.
 * Workspace packages resolve through their `@twofold/source` export condition, i.e. to src.
 */
const { builtinModules } = require('node:module');

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/** `fs`, `node:fs`, `fs/promises`, `node:test`, … — however the built-in is spelled. */
const NODE_BUILTIN = `^(node:.+|${builtinModules.filter((m) => !m.startsWith('_')).map(escape).join('|')})$`;
/** An npm package by name, wherever pnpm put it (node_modules/.pnpm/<pkg>@<v>/node_modules/<pkg>/…). */
const npmPackage = (name) => `(^|/)node_modules/${escape(name)}/`;

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
