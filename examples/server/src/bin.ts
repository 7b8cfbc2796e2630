#!/usr/bin/env node
import { Command } from 'commander';
import { registerAccountCommands } from './commands/account-commands.js';
import { registerStartCommand } from './commands/start-command.js';
import { registerWorkerCommand } from './commands/worker.js';

/** The `studio-server` command. */
async function main(): Promise<void> {
  const program = new Command('studio-server').description(
    'the AI Model Studio example server: REST API, OpenAPI docs at /docs, background jobs, API keys',
  );
  registerStartCommand(program);
  registerWorkerCommand(program);
  registerAccountCommands(program);
  await program.parseAsync(process.argv);
}

main().catch((error: unknown) => {
  process.stderr.write(`studio-server: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
