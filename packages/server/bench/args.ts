/**
 * Command line and environment of the benches (`packages/server/bench`, and the client's
 * `packages/client/bench`, which import this file by path).
 * @module
 */
import { parseArgs } from 'node:util';

/** The flags {@link benchArgs} reads, by kind. */
export interface BenchArgsSpec<S extends string, L extends string, B extends string> {
  /** Flags that take a value: `--name VALUE`. */
  strings?: readonly S[];
  /** Flags that take a value and may be given several times. */
  lists?: readonly L[];
  /** Flags without a value: `--name`. */
  booleans?: readonly B[];
}

/**
 * Reads a bench's command line with `node:util` `parseArgs` (strict: an unknown flag, or a flag
 * without its value, is an error). Flags not given are absent.
 */
export function benchArgs<const S extends string = never, const L extends string = never, const B extends string = never>(
  spec: BenchArgsSpec<S, L, B>,
): { [K in S]?: string } & { [K in L]?: string[] } & { [K in B]?: boolean } {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {};
  for (const name of spec.strings ?? []) options[name] = { type: 'string' };
  for (const name of spec.lists ?? []) options[name] = { type: 'string', multiple: true };
  for (const name of spec.booleans ?? []) options[name] = { type: 'boolean' };
  return parseArgs({ options }).values as { [K in S]?: string } & { [K in L]?: string[] } & { [K in B]?: boolean };
}

/** A number setting: the flag's value when given, else the environment variable `env`, else `fallback`. */
export function benchNumber(env: string, fallback: number, flag?: string): number {
  return Number(flag ?? process.env[env] ?? fallback);
}

/** The PostgreSQL the benches use: TWOFOLD_TEST_DATABASE_URL, else DATABASE_URL, else the test database on localhost. */
export const BENCH_DATABASE_URL: string =
  process.env.TWOFOLD_TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
