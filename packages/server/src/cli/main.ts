#!/usr/bin/env node
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
  if (parsed.help || parsed.command === undefined) {
    console.log(USAGE);
    return parsed.help ? 0 : 2;
  }
  if (parsed.command !== 'serve') {
    console.error(`twofold: unknown command "${parsed.command}"\n\n${USAGE}`);
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
