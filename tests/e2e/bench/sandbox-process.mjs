// The MaxStudio sandbox for the pipeline benchmark, in its own process and from its BUILD (dist), run by plain node:
// no tsx compiling TypeScript on the fly, so the sandbox costs the machine less than the code under test.
// Prints one JSON line `{ "url": ... }` when listening; stops on SIGTERM. Options come as JSON in SANDBOX_OPTIONS.
import { startMaxStudioSandbox } from '@model-studio/maxstudio/testing';

const sandbox = await startMaxStudioSandbox(JSON.parse(process.env.SANDBOX_OPTIONS ?? '{}'));
process.stdout.write(`${JSON.stringify({ url: sandbox.url })}\n`);
const stop = async () => {
  await sandbox.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
