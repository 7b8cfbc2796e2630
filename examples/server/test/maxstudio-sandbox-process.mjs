// The MaxStudio sandbox in its own process (from dist), with the quality package's face detector: the server tests
// kill the server, never the sandbox, so the sandbox's jobs and billing outlive it (like the real API). Prints one
// JSON line `{ "url": ... }` when listening; stops on SIGTERM. Options come as JSON in SANDBOX_OPTIONS.
import { startMaxStudioSandbox } from '@model-studio/maxstudio/testing';
import { createQualityChecker } from '@model-studio/quality';

const options = JSON.parse(process.env.SANDBOX_OPTIONS ?? '{}');
const detector = createQualityChecker({ workers: 1 });
const sandbox = await startMaxStudioSandbox({ ...options, faceDetector: detector });
process.stdout.write(`${JSON.stringify({ url: sandbox.url })}\n`);
const stop = async () => {
  await sandbox.close();
  await detector.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
