#!/usr/bin/env node
import { generateSealingKey } from '../sealing/keyring.js';
import { createApiKeyCommand, signingKeyCommand } from './admin.js';
import { startServer } from './serve.js';
import { USAGE, resolveSettings } from './settings.js';

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
  if (command !== 'serve') {
    console.error(`twofold: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  let server;
  try {
    server = await startServer(parsed.settings);
  } catch (error) {
    console.error(`twofold: ${(error as Error).message}`);
    return 1;
  }
  await new Promise<void>((done) => {
    const stop = (signal: string) => {
      console.log(`Received ${signal}, shutting down...`);
      void server.close().then(done, (error) => {
        console.error('twofold: error during shutdown', error);
        done();
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  console.log('Stopped.');
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
