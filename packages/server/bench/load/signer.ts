/**
 * A signing thread for `pnpm bench:load`: holds the virtual users' soft authenticators
 * (@twofold/testing) and answers `navigator.credentials.create()/get()` requests posted by the
 * load generator, so ECDSA key generation and signing never compete with the generator's
 * event loop (the thing that times requests).
 */
import { parentPort } from 'node:worker_threads';
import { createSoftAuthenticator } from '@twofold/testing';

export type SignRequest =
  | { id: number; op: 'create'; device: string; origin: string; options: any }
  | { id: number; op: 'get'; device: string; origin: string; options: any };
export type SignReply = { id: number; result?: unknown; error?: string };

const devices = new Map<string, ReturnType<typeof createSoftAuthenticator>>();

parentPort!.on('message', async (m: SignRequest) => {
  try {
    let device = devices.get(m.device);
    if (!device) devices.set(m.device, (device = createSoftAuthenticator({ origin: m.origin })));
    const result = m.op === 'create' ? await device.createCredential(m.options) : await device.getAssertion(m.options);
    parentPort!.postMessage({ id: m.id, result } satisfies SignReply);
  } catch (error) {
    parentPort!.postMessage({ id: m.id, error: String(error) } satisfies SignReply);
  }
});
