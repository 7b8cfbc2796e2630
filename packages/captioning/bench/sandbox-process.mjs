// The caption sandbox for the throughput bench, in its own process and from the package's BUILD (dist), run by plain
// node: its pure-JS image decoding, JSON parsing and hashing belong to the emulator, not to the captioner under test,
// so they must not share the bench's process (and event loop). Prints one JSON line `{ "url": ..., "pid": ... }` when
// listening; stops on SIGTERM or SIGINT. Options of startCaptionSandbox come as JSON in SANDBOX_OPTIONS.
import { startCaptionSandbox } from '@model-studio/captioning/testing';

const sandbox = await startCaptionSandbox(JSON.parse(process.env.SANDBOX_OPTIONS ?? '{}'));
process.stdout.write(`${JSON.stringify({ url: sandbox.url, pid: process.pid })}\n`);
const stop = async () => {
  await sandbox.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
