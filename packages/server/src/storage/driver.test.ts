import { describe, expect, it } from 'vitest';
import { importDriver } from './driver.js';

describe('importDriver', () => {
  it('names the install line when the driver is not installed (a real failed import, not a stand-in)', async () => {
    const name = 'twofold-no-such-driver';
    const load = () => import(/* @vite-ignore */ [name].join(''));
    await expect(importDriver(name, 'createExampleStore', load)).rejects.toThrow(
      /createExampleStore needs twofold-no-such-driver.*\n {2}npm install twofold-no-such-driver/,
    );
  });

  it('passes other failures through as they are', async () => {
    const broken = new Error('the driver threw while loading');
    await expect(importDriver('pg', 'createPostgresStore', () => Promise.reject(broken))).rejects.toBe(broken);
  });

  it('returns the module when it is there', async () => {
    const pg = await importDriver('pg', 'createPostgresStore', () => import('pg'));
    expect(typeof pg.default.Pool).toBe('function');
  });
});
