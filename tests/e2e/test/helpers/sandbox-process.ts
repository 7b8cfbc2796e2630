// The MaxStudio sandbox in its own process, with the quality package's face detector injected.
// Prints one JSON line `{ "url": ... }` when listening; stops on SIGTERM. Options come as JSON in SANDBOX_OPTIONS;
// `"detector": "heuristic"` keeps the sandbox's own heuristic face boxes (no tfjs in the process).
import { startMaxStudioSandbox } from '@model-studio/maxstudio/testing';
import { createQualityChecker } from '@model-studio/quality';

const { detector: detectorChoice, ...options } = JSON.parse(process.env.SANDBOX_OPTIONS ?? '{}');
const detector = detectorChoice === 'heuristic' ? undefined : createQualityChecker({ workers: 1 });
const sandbox = await startMaxStudioSandbox({ ...options, ...(detector ? { faceDetector: detector } : {}) });
process.stdout.write(`${JSON.stringify({ url: sandbox.url })}\n`);
const stop = async () => {
  await sandbox.close();
  await detector?.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
