import { E2E_API_KEY, startDemoServer } from './demo-server.js';

/**
 * @playwright/test global setup: starts the demo's backend once for the run; the workers read
 * its URL and service key from the environment (they start after this).
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const server = await startDemoServer();
  process.env.E2E_BASE_URL = server.url;
  process.env.E2E_API_KEY = E2E_API_KEY;
  return server.stop;
}
