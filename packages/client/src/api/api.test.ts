import { describe, expect, it } from 'vitest';
import { createApiClient, type ApiClient } from './api.js';

/** An ApiClient over a fake fetch that records what went out and answers `answer`. */
function recording(answer: () => Response = () => Response.json({ ok: true })) {
  const sent: { url: string; method: string; headers: Record<string, string>; body: string | undefined }[] = [];
  const api = createApiClient({
    baseUrl: 'https://bank.example/api/v1/',
    fetch: async (input, init) => {
      sent.push({
        url: String(input),
        method: init?.method ?? 'GET',
        headers: { ...(init?.headers as Record<string, string>) },
        body: init?.body as string | undefined,
      });
      return answer();
    },
  });
  return { api, sent };
}

describe('ApiClient.call', () => {
  it('takes the method and path from the route table, encoding path parameters', async () => {
    const { api, sent } = recording();
    await api.call('devices.renameMine', { params: { deviceId: 'a/b c' }, body: { name: 'Laptop' }, token: 'tok' });
    expect(sent[0]).toEqual({
      url: 'https://bank.example/api/v1/me/devices/a%2Fb%20c',
      method: 'PATCH',
      headers: { accept: 'application/json', 'content-type': 'application/json', authorization: 'Bearer tok' },
      body: JSON.stringify({ name: 'Laptop' }),
    });
  });

  it('adds the query parameters that are set, and none when none are', async () => {
    const { api, sent } = recording(() => new Response(null, { status: 204 }));
    await api.call('devices.removeMine', { params: { deviceId: 'd1' }, query: { confirm: 'last-passkey' }, token: 't' });
    await api.call('devices.removeMine', { params: { deviceId: 'd1' }, query: { confirm: undefined }, token: 't' });
    await api.call('audit.listEvents', { query: { limit: '10', types: 'pin.set,pin.locked' }, token: 't' });
    expect(sent.map((s) => `${s.method} ${s.url}`)).toEqual([
      'DELETE https://bank.example/api/v1/me/devices/d1?confirm=last-passkey',
      'DELETE https://bank.example/api/v1/me/devices/d1',
      'GET https://bank.example/api/v1/me/events?limit=10&types=pin.set%2Cpin.locked',
    ]);
  });

  it('resolves with the body, undefined for a 204, and sends no token where the route takes none', async () => {
    const flow = { flowId: 'f', step: 'face' };
    const { api, sent } = recording(() => Response.json(flow));
    expect(await api.call('recovery.get', { params: { flowId: 'f' } })).toEqual(flow);
    expect(sent[0]?.headers.authorization).toBeUndefined();
    const empty = recording(() => new Response(null, { status: 204 }));
    expect(await empty.api.call('recovery.abandon', { params: { flowId: 'f' } })).toBeUndefined();
    expect(empty.sent[0]?.method).toBe('DELETE');
  });

  it('refuses to send a request with a path parameter missing at runtime', async () => {
    const { api, sent } = recording();
    // A caller without the type checker (plain JS) that forgets the flow id.
    const untyped = api as unknown as { call(name: string, o: object): Promise<unknown> };
    await expect(untyped.call('recovery.get', { params: {} })).rejects.toThrow(/flowId/);
    expect(sent).toEqual([]);
  });
});

// The guarantee of the table, checked by `pnpm typecheck`: each line below must NOT compile.
// (Never called: the function only needs to type-check.)
export function driftDoesNotCompile(api: ApiClient) {
  // @ts-expect-error — no such route
  void api.call('face.verfy', { body: {} });
  // @ts-expect-error — path parameter missing
  void api.call('recovery.get', {});
  // @ts-expect-error — path parameter misnamed
  void api.call('recovery.get', { params: { id: 'f' } });
  // biome-ignore format: the @ts-expect-error must stay on the line that errors
  // @ts-expect-error — a code type that does not exist
  void api.call('codes.generate', { params: { type: 'medium' }, body: { userId: 'u', purpose: 'add_credential', authorize: true }, token: 'key' });
  // @ts-expect-error — body drifted from the table (`pin` is required)
  void api.call('pins.set', { body: { code: '1234' }, token: 't' });
  // @ts-expect-error — session route without a token
  void api.call('users.getMe', {});
  // @ts-expect-error — a route that reads no body
  void api.call('transactions.deny', { params: { id: 'x' }, body: {}, token: 't' });
  // @ts-expect-error — a query the route does not read
  void api.call('users.getMe', { token: 't', query: { limit: '1' } });
  // @ts-expect-error — the response is typed by the table (VerifyPinResponse has no `userId`)
  void api.call('pins.verify', { body: { userId: 'u', pin: '1234' } }).then((r) => r.userId);
}
