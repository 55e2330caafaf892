import type { z } from 'zod';
import { TwofoldError } from '../errors.js';

/**
 * Reads a JSON body of at most `limit` bytes and validates it against `schema`.
 * Parsing (bytes → JSON → typed value) is kept apart from policy, which lives in the modules.
 * An empty body is read as `{}`, so routes whose fields are all optional accept no body.
 */
export async function readJson<S extends z.ZodType>(req: Request, schema: S, limit: number): Promise<z.output<S>> {
  const text = await readText(req, limit);
  let value: unknown = {};
  if (text.trim() !== '') {
    const type = req.headers.get('content-type') ?? '';
    if (!/^application\/([a-z0-9.+-]+\+)?json\b/i.test(type)) {
      throw new TwofoldError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.');
    }
    try {
      value = JSON.parse(text);
    } catch {
      throw new TwofoldError('INVALID_JSON', 'The body is not valid JSON.');
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 10).map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }));
    throw new TwofoldError(
      'INVALID_REQUEST',
      issues.map((i) => `${i.path}: ${i.message}`).join('; '),
      { issues },
    );
  }
  return parsed.data;
}

async function readText(req: Request, limit: number): Promise<string> {
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (declared > limit) throw tooLarge(limit);
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.byteLength;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new TwofoldError('INVALID_JSON', 'The body is not valid UTF-8.');
  }
}

const tooLarge = (limit: number) => new TwofoldError('BODY_TOO_LARGE', `The body is larger than ${limit} bytes.`, { limit });
