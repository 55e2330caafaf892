import { defineConfig } from 'vite';
// From source: this repository uses its own plugin unbuilt. Apps import '@twofold/client/vite'.
import { twofoldFaceAssets } from './packages/client/src/vite.js';

// Builds the demo app (demo/ → demo/dist), which the demo's backend (demo/server.ts) serves at `/`.
// `vite` in dev mode proxies the Twofold API and the bank's routes to that backend on :8080.
export default defineConfig({
  root: 'demo',
  resolve: { conditions: ['@twofold/source'] },
  plugins: [twofoldFaceAssets()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  server: { port: 5173, proxy: { '/api': 'http://localhost:8080', '/bank': 'http://localhost:8080' } },
});
