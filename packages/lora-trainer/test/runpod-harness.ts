import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStorage, type TrainingEvent } from '@model-studio/core';
import { pack } from 'tar-stream';
import { buildAiToolkitConfig } from '../src/ai-toolkit/index.js';
import { RunpodTrainer, type RunpodTrainerSettings } from '../src/runpod/index.js';
import { type RunpodSandbox, type RunpodSandboxOptions, startRunpodSandbox } from '../src/testing/index.js';

/** A real tar with two images and captions, as a dataset archive. */
export async function smallDatasetTar(): Promise<Uint8Array> {
  const archive = pack();
  archive.entry({ name: 'images/andie-1.jpg' }, Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
  archive.entry({ name: 'images/andie-1.txt' }, 'photo of sar woman');
  archive.entry({ name: 'images/andie-2.jpg' }, Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
  archive.entry({ name: 'images/andie-2.txt' }, 'photo of sar woman smiling');
  const backends = [
    {
      id: 'andie',
      type: 'local',
      instance_data_dir: '/workspace/dataset/simpletuner/images',
      caption_strategy: 'textfile',
    },
    {
      id: 'text-embeds',
      type: 'local',
      dataset_type: 'text_embeds',
      default: true,
      cache_dir: '/workspace/dataset/cache',
    },
  ];
  archive.entry({ name: 'simpletuner/multidatabackend.json' }, JSON.stringify(backends));
  archive.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of archive) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

/** The SimpleTuner config the tests train with (12 steps of the sandbox trainer). */
export const testConfig = {
  model_family: 'flux',
  model_type: 'lora',
  lora_rank: 8,
  max_train_steps: 12,
  optimizer: 'adamw_bf16',
};

export const datasetPrefix = 'models/andie/datasets/v1';

/** A sandbox, a LocalStorage with signed URLs holding a dataset archive, and a way to make trainers. */
export interface RunpodHarness {
  sandbox: RunpodSandbox;
  storage: LocalStorage;
  events: TrainingEvent[];
  trainer(extra?: Partial<RunpodTrainerSettings>): RunpodTrainer;
  close(): Promise<void>;
}

export async function runpodHarness(options: RunpodSandboxOptions = {}): Promise<RunpodHarness> {
  const root = await mkdtemp(join(tmpdir(), 'runpod-test-'));
  const storage = new LocalStorage({ root, signedUrls: {} });
  await storage.put(`${datasetPrefix}/dataset.tar`, await smallDatasetTar());
  const sandbox = await startRunpodSandbox({ clockFactor: 100, stepSeconds: 2, ...options });
  const events: TrainingEvent[] = [];
  return {
    sandbox,
    storage,
    events,
    trainer: (extra = {}) =>
      new RunpodTrainer({
        storage,
        baseUrl: sandbox.url,
        apiKey: sandbox.apiKey,
        allowLoopbackUrls: true,
        clock: sandbox.now,
        pollIntervalMs: 20,
        uploadIntervalSeconds: 6,
        sampleCount: 2,
        maxDurationSeconds: 20_000,
        stallTimeoutSeconds: 6000,
        // Emulated time runs 100x: give the sandbox pod (slow under a loaded machine) time to delete itself.
        selfStopGraceSeconds: 600,
        retry: { minDelayMs: 5, maxDelayMs: 40 },
        onEvent: (event) => events.push(event),
        ...extra,
      }),
    async close() {
      for (const pod of sandbox.livePods()) {
        console.error(`pod ${pod.id} still ${pod.status}; its log:\n${pod.logs.map((l) => l.line).join('\n')}`);
      }
      await sandbox.close();
      await storage.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** The ai-toolkit config the tests train with: 12 steps, a checkpoint and samples every 4 (the prototype's preset). */
export const aiToolkitTestConfig = buildAiToolkitConfig({
  family: 'flux',
  trigger: 'andie',
  classWord: 'woman',
  overrides: {
    'network.linear': 8,
    'network.linear_alpha': 8,
    'train.steps': 12,
    'save.save_every': 4,
    'sample.sample_every': 4,
  },
}) as unknown as Record<string, unknown>;

/** The SimpleTuner config with a checkpoint and validation every 4 steps. */
export const simpleTunerCheckpointConfig = {
  ...testConfig,
  checkpoint_step_interval: 4,
  validation_step_interval: 4,
};
