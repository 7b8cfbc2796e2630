// Runs (or resumes) a model's Phase 1 in its own process, for the crash test. Config as JSON in RUNNER_CONFIG:
// { root, model, sandboxUrl, concurrency, resubmitUncertain }. Prints JSON lines: ready, unit-end, summary.
import { createStudio, LocalStorage, openWorkspace } from '@model-studio/core';
import { createMaxStudio, createMaxStudioProvider } from '@model-studio/maxstudio';
import { createImageProcessor, createQualityChecker } from '@model-studio/quality';

const config = JSON.parse(process.env.RUNNER_CONFIG ?? '{}') as {
  root: string;
  model: string;
  sandboxUrl: string;
  concurrency?: number;
  resubmitUncertain?: boolean;
};
const print = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

const storage = new LocalStorage({ root: config.root, signedUrls: {} });
const workspace = await openWorkspace({ root: config.root, storage });
const checker = createQualityChecker({ workers: 1 });
const client = createMaxStudio({
  baseURL: config.sandboxUrl,
  apiKey: 'sandbox-key',
  pollInterval: 20,
  maxPollInterval: 100,
});
const { swapper, enhancer } = createMaxStudioProvider({ storage, client });
const studio = createStudio({
  workspace,
  swapper,
  enhancer,
  faceChecker: checker,
  imageProcessor: createImageProcessor(),
});
print({ type: 'ready' });
const status = await studio.status(config.model);
const planned =
  status.done.length + status.pending.length + status.inFlight.length + status.uncertain.length + status.failed.length;
const options = {
  concurrency: config.concurrency ?? 8,
  resubmitUncertain: config.resubmitUncertain ?? false,
  onEvent: (event: { type: string }) => {
    if (event.type === 'unit-end') print(event);
  },
};
const summary =
  planned === 0
    ? await studio.run(await studio.plan(config.model, { ratings: ['sfw'] }), options)
    : await studio.resume(config.model, options);
print({ type: 'summary', summary });
await studio.close();
await checker.close();
await storage.close();
