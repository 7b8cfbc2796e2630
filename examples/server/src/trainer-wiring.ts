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
 * The trainer, like the CLI's (`createRunpodTrainerFromSettings`): the real RunPod API with `RUNPOD_API_KEY`, a RunPod
 * sandbox at a loopback `RUNPOD_BASE_URL`, else an in-process RunPod sandbox (nothing is paid; labelled SANDBOX).
 */
export async function createServerTrainer(config: ServerConfig, storage: Storage): Promise<ServerTrainer> {
  const lora = await import('@model-studio/lora-trainer');
  const { runpodApiKey, runpodBaseUrl } = config;
  const onLoopback = runpodBaseUrl !== undefined && isLoopbackUrl(runpodBaseUrl);
  const inProcessSandbox =
    runpodApiKey === undefined && !onLoopback
      ? await (await import('@model-studio/lora-trainer/testing')).startRunpodSandbox({
          clockFactor: 60,
          stepSeconds: 2,
          defaultSteps: 12,
        })
      : undefined;
  const { trainer, label, sandbox, estimateUsd, close } = lora.createRunpodTrainerFromSettings({
    storage,
    apiKey: runpodApiKey,
    baseUrl: runpodBaseUrl,
    inProcessSandbox,
  });
  return { trainer, label, sandbox, estimateUsd, close };
}
