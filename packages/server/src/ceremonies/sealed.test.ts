import { describe, expect, it } from 'vitest';
import type { TwofoldContext } from '../context.js';
import { createKeyring, generateSealingKey, parseKeyring } from '../sealing/keyring.js';
import { fromBase64Url, toBase64Url } from '../util/encoding.js';
import { openSealedCeremony, parseSealedCeremonyId, sealCeremony } from './sealed.js';

// Only what sealed.ts reads of the context.
function context(keys = parseKeyring(generateSealingKey('k1')), at = Date.parse('2026-12-01T12:00:00Z')) {
  let now = at;
  const ctx = { keyring: createKeyring(keys), now: () => new Date(now), ceremonyTtlSeconds: 300 } as unknown as TwofoldContext;
  return { ctx, keys, advance: (s: number) => void (now += s * 1000) };
}

const code = (p: Promise<unknown>) => p.then(() => 'OK', (e: { code?: string }) => e.code ?? String(e));

describe('sealed sign-in ceremonies', () => {
  it('round-trips: the challenge and expiry come back, within the 128-character id bound', async () => {
    const { ctx } = context(parseKeyring(generateSealingKey('k'.repeat(32))));
    const sealed = await sealCeremony(ctx, { named: false, userId: null });
    expect(sealed.id.length).toBeLessThanOrEqual(128);
    expect(fromBase64Url(sealed.challenge)).toHaveLength(32);
    const opened = await openSealedCeremony(ctx, parseSealedCeremonyId(sealed.id)!, 'whoever');
    expect(opened).toEqual({ challenge: sealed.challenge, marker: sealed.challenge, expiresAt: new Date('2026-12-01T12:05:00Z'), named: false });
  });

  it('parses only its own form: stored ids, other prefixes, extra parts, bad base64, lengths, versions', async () => {
    const { ctx } = context();
    const { id } = await sealCeremony(ctx, { named: false, userId: null });
    expect(parseSealedCeremonyId(id)).not.toBeNull();
    const [, key, payload] = id.split('.') as [string, string, string];
    const bytes = fromBase64Url(payload);
    const v2 = bytes.slice();
    v2[0] = 2;
    for (const other of [
      'Q2VyZW1vbnlJZEZyb21TdG9yZQ', // a stored ceremony id: base64url, no dots
      `a2.${key}.${payload}`,
      `a1.${key}.${payload}.x`,
      `a1..${payload}`,
      `a1.${key}.${payload}!`,
      `a1.${key}.${toBase64Url(bytes.subarray(1))}`,
      `a1.${key}.${toBase64Url(v2)}`,
    ]) {
      expect(parseSealedCeremonyId(other), other).toBeNull();
    }
  });

  it('refuses any changed byte, another key, and a key no longer in the ring', async () => {
    const { ctx } = context();
    const { id } = await sealCeremony(ctx, { named: false, userId: null });
    const [prefix, key, payload] = id.split('.') as [string, string, string];
    const bytes = fromBase64Url(payload);
    for (const i of [1, 2, 5, 6, 37, 38, 53]) {
      const changed = bytes.slice();
      changed[i]! ^= 1;
      const parsed = parseSealedCeremonyId(`${prefix}.${key}.${toBase64Url(changed)}`);
      // flipping the flag byte makes it a named ceremony: then the refusal reads as a credential's
      const expected = i === 1 ? 'CREDENTIAL_NOT_FOUND' : 'CHALLENGE_NOT_FOUND';
      expect(parsed && (await code(openSealedCeremony(ctx, parsed, null))), `byte ${i}`).toBe(expected);
    }
    const other = context();
    expect(await code(openSealedCeremony(other.ctx, parseSealedCeremonyId(id)!, null))).toBe('CHALLENGE_NOT_FOUND');
    // another key with the same id: the tag does not match
    const sameName = context(parseKeyring(generateSealingKey('k1')));
    expect(await code(openSealedCeremony(sameName.ctx, parseSealedCeremonyId(id)!, null))).toBe('CHALLENGE_NOT_FOUND');
  });

  it('a named ceremony opens only with the owner it was started for; an unknown name opens for no credential', async () => {
    const { ctx } = context();
    const forAlice = parseSealedCeremonyId((await sealCeremony(ctx, { named: true, userId: 'alice' })).id)!;
    expect((await openSealedCeremony(ctx, forAlice, 'alice')).named).toBe(true);
    expect(await code(openSealedCeremony(ctx, forAlice, 'bob'))).toBe('CREDENTIAL_NOT_FOUND');
    expect(await code(openSealedCeremony(ctx, forAlice, null))).toBe('CREDENTIAL_NOT_FOUND');
    const forNobody = parseSealedCeremonyId((await sealCeremony(ctx, { named: true, userId: null })).id)!;
    expect(await code(openSealedCeremony(ctx, forNobody, 'alice'))).toBe('CREDENTIAL_NOT_FOUND');
    // unnamed: any owner (the user handle check decides later)
    const open = parseSealedCeremonyId((await sealCeremony(ctx, { named: false, userId: null })).id)!;
    expect((await openSealedCeremony(ctx, open, 'bob')).named).toBe(false);
  });

  it('expires after the ceremony TTL (checked after the tag, so a forged expiry is just forged)', async () => {
    const { ctx, advance } = context();
    const parsed = parseSealedCeremonyId((await sealCeremony(ctx, { named: false, userId: null })).id)!;
    advance(299);
    expect(await code(openSealedCeremony(ctx, parsed, null))).toBe('OK');
    advance(1);
    expect(await code(openSealedCeremony(ctx, parsed, null))).toBe('CHALLENGE_EXPIRED');
  });
});
