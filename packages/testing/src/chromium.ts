import { existsSync } from 'node:fs';

/**
 * Chromium flags that work headless on CI machines without a GPU or network: no sandbox (root
 * in containers), no background traffic to Google, no QUIC.
 */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/**
 * The Chromium to launch with `playwright-core`: `$CHROMIUM_PATH`, else the Debian/Ubuntu
 * package's binary. Throws with install instructions when none is found.
 */
export function findChromium(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  for (const c of candidates) if (c && existsSync(c)) return c;
  throw new Error('No Chromium found. Install it (Debian: apt-get install -y chromium) or set CHROMIUM_PATH.');
}
