#!/usr/bin/env node
import { generateSealingKey } from '../sealing/keyring.js';
import { createApiKeyCommand, signingKeyCommand, sweepCommand } from './admin.js';
import { startServer } from './serve.js';
import { resolveSettings } from '../adapters/node/settings.js';
import { USAGE } from './usage.js';

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = resolveSettings(argv, process.env);
  } catch (error) {
    console.error(`twofold: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const [command, action] = parsed.command;
  if (parsed.help || command === undefined) {
    console.log(USAGE);
    return parsed.help ? 0 : 2;
  }
  if (command === 'secret-key') {
    if (action !== 'generate') {
      console.error('twofold: secret-key needs "generate"');
      return 2;
    }
    console.log(generateSealingKey());
    return 0;
  }
  if (command === 'api-key' || command === 'signing-key') {
    try {
      if (command === 'api-key' && action !== 'create') throw new Error('api-key needs "create"');
      if (command === 'api-key') await createApiKeyCommand(parsed.settings, parsed.name, parsed.scopes, console.log);
      else await signingKeyCommand(parsed.settings, action, console.log);
      return 0;
    } catch (error) {
      console.error(`twofold: ${(error as Error).message}`);
      return 1;
    }
  }
  if (command === 'sweep') {
    try {
      await sweepCommand(parsed.settings, console.log);
      return 0;
    } catch (error) {
      console.error(`twofold: ${(error as Error).message}`);
      return 1;
    }
  }
  if (command !== 'serve') {
    console.error(`twofold: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  // Signal handlers go in before start-up, so a stop request during start-up is honoured too.
  let signal: string | null = null;
  let wake: (() => void) | null = null;
  const onSignal = (name: string) => {
    signal ??= name;
    wake?.();
  };
  process.once('SIGINT', () => onSignal('SIGINT'));
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  let server;
  try {
    server = await startServer(parsed.settings);
  } catch (error) {
    console.error(`twofold: ${(error as Error).message}`);
    return 1;
  }
  if (signal === null) await new Promise<void>((resolve) => (wake = resolve));
  console.log(`Received ${signal}, shutting down...`);
  try {
    await server.close();
  } catch (error) {
    console.error('twofold: error during shutdown', error);
  }
  console.log('Stopped.');
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
