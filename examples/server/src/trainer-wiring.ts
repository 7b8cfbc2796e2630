import { isLoopbackUrl, type Storage, type Trainer } from '@model-studio/core';
import type { ServerConfig } from './server-config.js';

/** The server's trainer, started once per process. */
export interface ServerTrainer {
  trainer: Trainer;
  label: string;
  /** True for the RunPod sandbox: nothing is paid, the LoRA is a sandbox file. */
  sandbox: boolean;
  /** The most a training may cost (USD), reserved before the pod starts. */
  estimateUsd(): Promise<number>;
  close(): Promise<void>;
}

/**
 * The trainer, like the CLI's: the real RunPod API with `RUNPOD_API_KEY`, a RunPod sandbox at a loopback
 * `RUNPOD_BASE_URL`, else an in-process RunPod sandbox (nothing is paid; labelled SANDBOX).
 */
export async function createServerTrainer(config: ServerConfig, storage: Storage): Promise<ServerTrainer> {
  const lora = await import('@model-studio/lora-trainer');
  const { runpodApiKey, runpodBaseUrl } = config;
  const base = { storage, allowLoopbackUrls: true };
  if (runpodBaseUrl !== undefined && isLoopbackUrl(runpodBaseUrl)) {
    const trainer = new lora.RunpodTrainer({
      ...base,
      baseUrl: runpodBaseUrl,
      apiKey: runpodApiKey ?? 'sandbox-key',
      pollIntervalMs: 100,
      uploadIntervalSeconds: 5,
      sampleCount: 2,
      stallTimeoutSeconds: 120,
    });
    return {
      trainer,
      label: `RunPod sandbox at ${runpodBaseUrl} (loopback; nothing is paid)`,
      sandbox: true,
      estimateUsd: async () => (await trainer.estimate()).maxUsd,
      async close() {},
    };
  }
  if (runpodApiKey === undefined) {
    const testing = await import('@model-studio/lora-trainer/testing');
    const sandbox = await testing.startRunpodSandbox({ clockFactor: 60, stepSeconds: 2, defaultSteps: 12 });
    const trainer = new lora.RunpodTrainer({
      ...base,
      baseUrl: sandbox.url,
      apiKey: sandbox.apiKey,
      clock: sandbox.now,
      pollIntervalMs: 100,
      uploadIntervalSeconds: 6,
      sampleCount: 2,
      selfStopGraceSeconds: 600,
    });
    return {
      trainer,
      label: `RunPod sandbox (in-process at ${sandbox.url}; nothing is paid, the LoRA is a sandbox file)`,
      sandbox: true,
      estimateUsd: async () => (await trainer.estimate()).maxUsd,
      close: () => sandbox.close(),
    };
  }
  const trainer = new lora.RunpodTrainer({
    storage,
    apiKey: runpodApiKey,
    ...(runpodBaseUrl && { baseUrl: runpodBaseUrl }),
  });
  return {
    trainer,
    label: `RunPod (${runpodBaseUrl ?? 'https://api.runpod.io'})`,
    sandbox: false,
    estimateUsd: async () => (await trainer.estimate()).maxUsd,
    async close() {},
  };
}
