#!/usr/bin/env node
// Counts the names each entry point of @twofold/server exports — values and type-only names
// alike (a runtime `import()` would miss the types) — with the TypeScript compiler API over the
// sources the workspace `@twofold/source` condition points at.
//
//   node scripts/count-exports.mjs            # a Markdown table
//   node scripts/count-exports.mjs --names    # … and every name per entry point
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const packageDir = join(root, 'packages/server');
const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
const entries = Object.entries(manifest.exports).map(([subpath, conditions]) => ({
  name: subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`,
  file: join(packageDir, conditions['@twofold/source']),
}));

const config = ts.getParsedCommandLineOfConfigFile(
  join(root, 'tsconfig.json'),
  {},
  { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
);
const program = ts.createProgram({
  rootNames: entries.map((e) => e.file),
  options: { ...config.options, noEmit: true, composite: false, incremental: false, tsBuildInfoFile: undefined },
});
const checker = program.getTypeChecker();

/** A value when the (alias-resolved) symbol has a value meaning and the export is not `export type`. */
function kind(symbol) {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const typeOnly = (symbol.declarations ?? []).some(
    (d) => ts.isTypeOnlyImportOrExportDeclaration?.(d) || d.isTypeOnly || d.parent?.parent?.isTypeOnly,
  );
  return !typeOnly && target.flags & ts.SymbolFlags.Value ? 'value' : 'type';
}

const rows = [];
for (const entry of entries) {
  const source = program.getSourceFile(entry.file);
  if (!source) throw new Error(`${entry.file} is not in the program`);
  const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(source));
  const values = exports
    .filter((s) => kind(s) === 'value')
    .map((s) => s.name)
    .sort();
  const types = exports
    .filter((s) => kind(s) === 'type')
    .map((s) => s.name)
    .sort();
  rows.push({ ...entry, values, types });
}

console.log('| entry point | values | types only | total |');
console.log('| --- | ---: | ---: | ---: |');
for (const r of rows) console.log(`| \`${r.name}\` | ${r.values.length} | ${r.types.length} | ${r.values.length + r.types.length} |`);
if (process.argv.includes('--names')) {
  for (const r of rows) console.log(`\n${r.name}\n  values: ${r.values.join(', ')}\n  types: ${r.types.join(', ')}`);
}
