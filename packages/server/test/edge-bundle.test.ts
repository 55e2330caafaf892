/**
 * The root of @twofold/server must run on a Web-standard runtime (Cloudflare Workers, Deno, Bun,
 * Vercel Edge): bundle packages/server/src/index.ts the way such a platform's bundler would
 * (browser platform, `worker`/`browser` conditions, no Node built-ins available) and fail on
 * anything that needs Node — a `node:*` import, a CommonJS `require` of a built-in, `pg` or
 * `@electric-sql/pglite`. Those belong behind the ./node, ./postgres and ./pglite subpaths.
 * Then evaluate the bundle in a sandbox that has only Web globals and check its exports.
 */
import { build, type Metafile, type Plugin } from 'esbuild';
import { builtinModules } from 'node:module';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const entry = 'packages/server/src/index.ts';

/** Packages that are Node-only however they are imported. */
const FORBIDDEN_PACKAGES = ['pg', '@electric-sql/pglite'];
const NODE_BUILTINS = new Set(builtinModules);

interface Offender {
  specifier: string;
  importer: string;
  kind: string;
  why: string;
}

/**
 * Records every import a Web-standard runtime could not satisfy and marks it external, so one
 * run lists all of them (with the import chain) instead of stopping at the first.
 */
function nodeOnlyImports(offenders: Offender[]): Plugin {
  return {
    name: 'node-only-imports',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === 'probe') return undefined;
        const specifier = args.path;
        const importer = relative(root, args.importer);
        const packageName = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
        let why: string | undefined;
        if (specifier.startsWith('node:')) why = 'a node:* built-in';
        else if (FORBIDDEN_PACKAGES.includes(packageName)) why = 'a Node-only package';
        // (`false` in a "browser" map can hide these too; they are matched before resolution)
        else if (NODE_BUILTINS.has(specifier) || NODE_BUILTINS.has(packageName)) {
          // A bare built-in name is fine only if an installed package (a polyfill) provides it. A
          // package.json "browser": { "cluster": false } stub does not count: the code still
          // needs the built-in, the stub only hides that until the call.
          const probe = await b.resolve(specifier, {
            kind: args.kind,
            importer: args.importer,
            resolveDir: args.resolveDir,
            pluginData: 'probe',
          });
          const polyfilled = probe.errors.length === 0 && !probe.external && probe.namespace === 'file' && isAbsolute(probe.path);
          if (!polyfilled) {
            const how = args.kind === 'require-call' ? 'CommonJS require of' : 'import of';
            why = `${how} a Node built-in${probe.errors.length === 0 && probe.namespace === '' ? ', only stubbed by its "browser" field' : ''}`;
          }
        }
        if (!why) return undefined;
        offenders.push({ specifier, importer, kind: args.kind, why });
        return { path: specifier, external: true };
      });
    },
  };
}

/** The shortest import chain from the entry to `importer`, from esbuild's metafile. */
function chainTo(metafile: Metafile, importer: string): string[] {
  const previous = new Map<string, string | null>([[entry, null]]);
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (file === importer) break;
    for (const imp of metafile.inputs[file]?.imports ?? []) {
      if (imp.external || previous.has(imp.path)) continue;
      previous.set(imp.path, file);
      queue.push(imp.path);
    }
  }
  const chain: string[] = [];
  for (let at: string | null | undefined = importer; at; at = previous.get(at)) chain.unshift(at);
  return chain;
}

/** Only what a Web-standard runtime offers: no process, Buffer, require, global or __dirname. */
function webSandbox() {
  const names = [
    'console',
    'crypto',
    'CryptoKey',
    'SubtleCrypto',
    'TextEncoder',
    'TextDecoder',
    'URL',
    'URLSearchParams',
    'Request',
    'Response',
    'Headers',
    'fetch',
    'FormData',
    'Blob',
    'File',
    'ReadableStream',
    'WritableStream',
    'TransformStream',
    'CompressionStream',
    'DecompressionStream',
    'AbortController',
    'AbortSignal',
    'Event',
    'EventTarget',
    'DOMException',
    'atob',
    'btoa',
    'structuredClone',
    'queueMicrotask',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'performance',
    'WebAssembly',
  ] as const;
  const sandbox: Record<string, unknown> = {};
  for (const name of names) sandbox[name] = (globalThis as Record<string, unknown>)[name];
  sandbox.self = sandbox;
  return vm.createContext(sandbox);
}

describe('@twofold/server root on a Web-standard runtime', () => {
  const offenders: Offender[] = [];
  let code = '';
  let metafile: Metafile;

  beforeAll(async () => {
    const result = await build({
      absWorkingDir: root,
      entryPoints: [entry],
      bundle: true,
      write: false,
      metafile: true,
      // what Workers-style bundlers do: browser platform, worker conditions, the repo's source condition
      platform: 'browser',
      conditions: ['@twofold/source', 'workerd', 'worker', 'browser'],
      format: 'iife',
      globalName: '__twofold',
      target: 'es2022',
      define: { 'process.env.NODE_ENV': '"production"' },
      logLevel: 'silent',
      plugins: [nodeOnlyImports(offenders)],
    });
    code = result.outputFiles[0]!.text;
    metafile = result.metafile;
  }, 20_000);

  it('needs no Node built-ins, pg or PGlite', () => {
    // node_modules/.pnpm/x@1/node_modules/x/lib/y.js → x/lib/y.js
    const short = (file: string) => file.replace(/^.*node_modules\/(?!\.pnpm\/)/, '');
    const found = offenders.map((o) => `${chainTo(metafile, o.importer).map(short).join(' → ')} ⇒ '${o.specifier}' (${o.why})`);
    expect([...new Set(found)]).toEqual([]);
  });

  it('evaluates with Web globals only and exports createTwofold', () => {
    const context = webSandbox();
    const exports = vm.runInContext(`${code}\n;__twofold`, context, { filename: 'twofold-edge-bundle.js' }) as Record<string, unknown>;
    expect(typeof exports.createTwofold).toBe('function');
    expect(typeof exports.problemResponse).toBe('function');
  });
});
