import { describe, expect, it } from 'vitest';
import { connectTwofoldServer } from './server.js';

describe('connectTwofoldServer', () => {
  it('sends the all-scopes service key over plain HTTP to this machine only', () => {
    for (const url of ['http://staging.example.com', 'http://10.0.0.7:3000']) {
      expect(() => connectTwofoldServer({ url, apiKey: 'k' }), url).toThrow(/plain HTTP to another host/);
    }
    for (const url of ['http://localhost:3000', 'http://127.0.0.1:3000/', 'http://[::1]:3000', 'https://staging.example.com']) {
      expect(connectTwofoldServer({ url, apiKey: 'k' }).url, url).toBe(url.replace(/\/$/, ''));
    }
  });
});
