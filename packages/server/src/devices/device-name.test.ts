import { describe, expect, it } from 'vitest';
import { deviceNameFromUserAgent } from './device-name.js';

describe('deviceNameFromUserAgent', () => {
  it('names browser and platform', () => {
    expect(
      deviceNameFromUserAgent('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36'),
    ).toBe('Chrome on Linux');
    expect(
      deviceNameFromUserAgent(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1',
      ),
    ).toBe('Safari on iOS');
    expect(
      deviceNameFromUserAgent(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36 Edg/140.0.0.0',
      ),
    ).toBe('Edge on Windows');
  });
  it('falls back without a user agent', () => {
    expect(deviceNameFromUserAgent(null)).toBe('Passkey');
    expect(deviceNameFromUserAgent('curl/8.0')).toBe('Passkey');
  });
});
