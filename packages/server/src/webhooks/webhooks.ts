import type { AuditEvent, AuditEventType } from '../audit/index.js';

export interface WebhookOptions {
  /** Where to POST. */
  url: string;
  /** Shared secret for the HMAC-SHA256 signature (at least 32 characters). */
  secret: string;
  /** Event types to deliver. Default: transaction decisions. */
  events?: readonly AuditEventType[];
  /** Tries per event, including the first. Default 4. */
  maxAttempts?: number;
  /** Wait before retry n (ms). Default 500, 2000, 8000. */
  backoffMs?: readonly number[];
  /** Called when an event could not be delivered after every try. */
  onFailure?: (event: AuditEvent, error: unknown) => void;
  /** A fetch to use instead of the global one. */
  fetch?: typeof fetch;
}

const encoder = new TextEncoder();

async function hmacHex(secret: string, data: string): Promise<string> {
  const key = await globalThis.crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const sig = new Uint8Array(await globalThis.crypto.subtle.sign('HMAC', key, encoder.encode(data)));
  return Array.from(sig, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * An `onEvent` consumer that POSTs chosen events (by default `transaction.approved` and
 * `transaction.denied`) to a backend, so it need not poll. Each delivery carries
 * `Idempotency-Key: <event id>` (the same on every retry) and
 * `Twofold-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`; check it with
 * {@link verifyWebhookSignature}. Network errors, 429 and 5xx are retried with back-off; other
 * answers are final. Delivery runs in the background: the returned function resolves when the
 * event is delivered or given up, and never throws.
 */
export function createWebhookNotifier(options: WebhookOptions) {
  if (options.secret.length < 32) throw new Error('webhook secret must be at least 32 characters');
  const events = new Set<string>(options.events ?? ['transaction.approved', 'transaction.denied']);
  const attempts = options.maxAttempts ?? 4;
  const backoff = options.backoffMs ?? [500, 2000, 8000];
  const doFetch = options.fetch ?? ((...a: Parameters<typeof fetch>) => globalThis.fetch(...a));

  return async (event: AuditEvent): Promise<void> => {
    if (!events.has(event.type)) return;
    const body = JSON.stringify({ id: event.id, type: event.type, at: event.at.toISOString(), userId: event.userId, data: event.data });
    let lastError: unknown;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, backoff[Math.min(attempt - 1, backoff.length - 1)]));
      try {
        const t = Math.floor(Date.now() / 1000);
        const res = await doFetch(options.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'idempotency-key': event.id,
            'twofold-signature': `t=${t},v1=${await hmacHex(options.secret, `${t}.${body}`)}`,
          },
          body,
        });
        await res.body?.cancel();
        if (res.ok) return;
        lastError = new Error(`webhook answered HTTP ${res.status}`);
        if (res.status !== 429 && res.status < 500) break;
      } catch (error) {
        lastError = error;
      }
    }
    options.onFailure?.(event, lastError);
  };
}

/**
 * For receivers: checks a `Twofold-Signature` header against the raw body. Rejects signatures
 * older than `toleranceSeconds` (default 300) to stop replays; compares in constant time.
 */
export async function verifyWebhookSignature(options: {
  secret: string;
  header: string | null;
  body: string;
  toleranceSeconds?: number;
  now?: Date;
}): Promise<boolean> {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(options.header ?? '');
  if (!match) return false;
  const t = Number(match[1]);
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - t) > (options.toleranceSeconds ?? 300)) return false;
  const expected = await hmacHex(options.secret, `${t}.${options.body}`);
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ match[2]!.charCodeAt(i);
  return diff === 0;
}
