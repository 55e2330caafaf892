import { describe, expect, it } from 'vitest';
import type { TwofoldContext } from '../context.js';
import { createKeyring, generateSealingKey, parseKeyring } from '../sealing/keyring.js';
import { fromBase64Url, toBase64Url } from '../util/encoding.js';
import { createUsedCeremonies } from './used.js';
import { MARKER_GRACE_SECONDS, openSealedCeremony, parseSealedCeremonyId, sealCeremony, sealedCeremonyIsFor } from './sealed.js';

// Only what sealed.ts reads of the context.
function context(keys = parseKeyring(generateSealingKey('k1')), at = Date.parse('2026-12-01T12:00:00Z')) {
  let now = at;
  const ctx = {
    keyring: createKeyring(keys),
    now: () => new Date(now),
    ceremonyTtlSeconds: 300,
    usedCeremonies: createUsedCeremonies(300),
  } as unknown as TwofoldContext;
  return { ctx, keys, advance: (s: number) => void (now += s * 1000) };
}

const code = (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e: { code?: string }) => e.code ?? String(e),
  );

describe('sealed sign-in ceremonies', () => {
  it('round-trips: the challenge and expiry come back, within the 128-character id bound', async () => {
    const { ctx } = context(parseKeyring(generateSealingKey('k'.repeat(32))));
    const sealed = await sealCeremony(ctx, { named: false, userId: null });
    expect(sealed.id.length).toBeLessThanOrEqual(128);
    expect(fromBase64Url(sealed.challenge)).toHaveLength(32);
    const opened = await openSealedCeremony(ctx, parseSealedCeremonyId(sealed.id)!);
    expect(opened).toMatchObject({
      challenge: sealed.challenge,
      marker: sealed.challenge,
      expiresAt: new Date('2026-12-01T12:05:00Z'),
      named: false,
    });
    // the marker outlives the ceremony, so a server whose clock is behind cannot meet a swept one
    expect(opened.markerExpiresAt).toEqual(new Date(Date.parse('2026-12-01T12:05:00Z') + MARKER_GRACE_SECONDS * 1000));
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

  it('refuses any changed byte (body, tag, owner tag), another key, and a key no longer in the ring', async () => {
    const { ctx } = context();
    const { id } = await sealCeremony(ctx, { named: true, userId: 'alice' });
    const [prefix, key, payload] = id.split('.') as [string, string, string];
    const bytes = fromBase64Url(payload);
    expect(bytes).toHaveLength(62);
    for (const i of [0, 1, 2, 5, 6, 37, 38, 49, 50, 61]) {
      const changed = bytes.slice();
      changed[i]! ^= 1;
      const parsed = parseSealedCeremonyId(`${prefix}.${key}.${toBase64Url(changed)}`);
      expect(parsed && (await code(openSealedCeremony(ctx, parsed))), `byte ${i}`).toBe(i === 0 ? null : 'CHALLENGE_NOT_FOUND');
    }
    const other = context();
    expect(await code(openSealedCeremony(other.ctx, parseSealedCeremonyId(id)!))).toBe('CHALLENGE_NOT_FOUND');
    // another key with the same id: the tag does not match
    const sameName = context(parseKeyring(generateSealingKey('k1')));
    expect(await code(openSealedCeremony(sameName.ctx, parseSealedCeremonyId(id)!))).toBe('CHALLENGE_NOT_FOUND');
  });

  it('a named ceremony is for the user it was started for; an unknown name is for nobody', async () => {
    const { ctx } = context();
    const forAlice = await openSealedCeremony(ctx, parseSealedCeremonyId((await sealCeremony(ctx, { named: true, userId: 'alice' })).id)!);
    expect(forAlice.named).toBe(true);
    expect(await sealedCeremonyIsFor(ctx, forAlice, 'alice')).toBe(true);
    expect(await sealedCeremonyIsFor(ctx, forAlice, 'bob')).toBe(false);
    expect(await sealedCeremonyIsFor(ctx, forAlice, '')).toBe(false);
    const forNobody = await openSealedCeremony(ctx, parseSealedCeremonyId((await sealCeremony(ctx, { named: true, userId: null })).id)!);
    expect(await sealedCeremonyIsFor(ctx, forNobody, 'alice')).toBe(false);
    expect(await sealedCeremonyIsFor(ctx, forNobody, '')).toBe(false);
    const unnamed = await openSealedCeremony(ctx, parseSealedCeremonyId((await sealCeremony(ctx, { named: false, userId: 'alice' })).id)!);
    expect(unnamed.named).toBe(false);
    expect(await sealedCeremonyIsFor(ctx, unnamed, 'alice')).toBe(false);
  });

  it('expires after the ceremony TTL, before anything is said about whom it is for', async () => {
    const { ctx, advance } = context();
    const parsed = parseSealedCeremonyId((await sealCeremony(ctx, { named: true, userId: 'alice' })).id)!;
    advance(299);
    expect(await code(openSealedCeremony(ctx, parsed))).toBe('OK');
    advance(1);
    expect(await code(openSealedCeremony(ctx, parsed))).toBe('CHALLENGE_EXPIRED');
  });
});
