/**
 * Runs the example by hand: `pnpm --filter ./examples/playwright start`, then open
 * http://localhost:8080 (WebAuthn needs `localhost`, not 127.0.0.1). Data stays in `.twofold/`.
 */
import { createTwofold, generateSealingKey, parseKeyring } from '@twofold/server';
import { createFaceAnalyzer } from '@twofold/server/face';
import { clientAddress, serve } from '@twofold/server/node';
import { createPGliteStore } from '@twofold/server/pglite';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createExampleApp } from './server.js';

const port = Number(process.env.PORT ?? 8080);
const origin = `http://localhost:${port}`;
// The key that seals face templates and transaction contexts, kept beside the data (owner only).
mkdirSync('.twofold', { recursive: true, mode: 0o700 });
if (!existsSync('.twofold/secret-keys')) writeFileSync('.twofold/secret-keys', generateSealingKey(), { mode: 0o600 });
const twofold = createTwofold({
  store: await createPGliteStore({ dataDir: '.twofold/db' }),
  secretKeys: parseKeyring(readFileSync('.twofold/secret-keys', 'utf8')),
  rp: { id: 'localhost', name: 'Twofold example', origins: [origin] },
  openRegistration: true,
  faceAnalyzer: createFaceAnalyzer({ threads: 1 }),
  http: { clientAddress },
});
await twofold.tokens.ready();
await serve({ handler: await createExampleApp({ twofold }), port });
console.log(`example listening on ${origin}`);
