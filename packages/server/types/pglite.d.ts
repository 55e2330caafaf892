// The declarations of `@twofold/server/pglite` as published. PGlite's own declarations use
// Emscripten's global types (`Emscripten.FileSystemType`, `FS`, `EmscriptenModule`) without
// referencing them, so they fail to check without `skipLibCheck`; this entry references them
// (`@types/emscripten`, a dependency of `@twofold/server`) and re-exports the built declarations.
// scripts/check-consumer-types.mjs checks it.
/// <reference types="emscripten" />
export * from '../dist/storage/pglite.js';
