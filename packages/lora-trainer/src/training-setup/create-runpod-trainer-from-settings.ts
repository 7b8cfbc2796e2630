import { isLoopbackUrl, type Storage, type TrainingEvent, ValidationError } from '@model-studio/core';
import { RunpodTrainer } from '../runpod/runpod-trainer.js';

/** A RunPod sandbox started in this process (`startRunpodSandbox` of `@model-studio/lora-trainer/testing`). */
export interface InProcessRunpodSandbox {
  url: string;
  apiKey: string;
  /** The sandbox's clock (it may run faster than real time). */
  now: () => number;
  close(): Promise<void>;
}

/** Settings of {@link createRunpodTrainerFromSettings}, as a front-end reads them (environment, flags). */
export interface RunpodTrainerFromSettingsOptions {
  storage: Storage;
  /** `RUNPOD_API_KEY`: needed for the real RunPod API; a loopback sandbox takes any key. */
  apiKey?: string | undefined;
  /** `RUNPOD_BASE_URL`: a loopback URL is a RunPod sandbox on this machine. @default 'https://api.runpod.io' */
  baseUrl?: string | undefined;
  /** Train on this in-process sandbox, whatever the key and URL say (`--sandbox`, demos, a server without a key). */
  inProcessSandbox?: InProcessRunpodSandbox | undefined;
  /** Receives the trainer's events. */
  onEvent?: ((event: TrainingEvent) => void) | undefined;
}

/** The RunPod trainer the settings chose, with a label for screens and how to close what it started. */
export interface RunpodTrainerFromSettings {
  trainer: RunpodTrainer;
  /** Where it trains, in words; says "sandbox" and "nothing is paid" for a sandbox. */
  label: string;
  /** True for a RunPod sandbox (in-process or on loopback): nothing is paid, the LoRA is a sandbox file. */
  sandbox: boolean;
  /** True when the sandbox runs in this process (its pods end with the process). */
  inProcess: boolean;
  /** The most a training may cost (USD), to reserve before the pod starts. */
  estimateUsd(): Promise<number>;
  /** Closes the in-process sandbox, if any. */
  close(): Promise<void>;
}

/**
 * The trainer the example CLI and server build from their settings: an in-process RunPod sandbox when one is given;
 * else a RunPod sandbox at a loopback `baseUrl` (quick uploads and a 2-minute stall stop, so a restarted process can
 * reattach); else the real RunPod API with `apiKey`.
 *
 * @example
 * ```ts no-run
 * const choice = createRunpodTrainerFromSettings({ storage, apiKey: process.env.RUNPOD_API_KEY });
 * console.log(`Training on ${choice.label}, up to $${await choice.estimateUsd()}`);
 * ```
 * @throws ValidationError when no sandbox is chosen and no API key is given.
 */
export function createRunpodTrainerFromSettings(options: RunpodTrainerFromSettingsOptions): RunpodTrainerFromSettings {
  const { storage, apiKey, baseUrl, inProcessSandbox: sandbox, onEvent } = options;
  // Loopback URLs (signed URLs of this machine) are fine for a sandbox on this machine only.
  const base = { storage, allowLoopbackUrls: true, ...(onEvent && { onEvent }) };
  const choice = (trainer: RunpodTrainer, label: string, inProcess: boolean, isSandbox = true) => ({
    trainer,
    label,
    sandbox: isSandbox,
    inProcess,
    estimateUsd: async () => (await trainer.estimate()).maxUsd,
    close: async () => {
      if (inProcess) await sandbox?.close();
    },
  });
  if (sandbox) {
    const trainer = new RunpodTrainer({
      ...base,
      baseUrl: sandbox.url,
      apiKey: sandbox.apiKey,
      clock: sandbox.now,
      pollIntervalMs: 100,
      uploadIntervalSeconds: 6,
      sampleCount: 2,
      selfStopGraceSeconds: 600,
    });
    const label = `RunPod sandbox (in-process at ${sandbox.url}; nothing is paid, the LoRA is a sandbox file)`;
    return choice(trainer, label, true);
  }
  if (baseUrl !== undefined && isLoopbackUrl(baseUrl)) {
    const trainer = new RunpodTrainer({
      ...base,
      baseUrl,
      apiKey: apiKey ?? 'sandbox-key',
      pollIntervalMs: 100,
      // The sandbox pod uploads to this process's loopback URLs: every 5 s leaves a restarted process time to bring
      // its URL server back before the next upload (a real pod uploads to S3).
      uploadIntervalSeconds: 5,
      sampleCount: 2,
      // A sandbox pod whose trainer died stops billing after 2 minutes without a step (real RunPod: 1 hour).
      stallTimeoutSeconds: 120,
    });
    return choice(trainer, `RunPod sandbox at ${baseUrl} (loopback; nothing is paid)`, false);
  }
  if (apiKey === undefined) {
    throw new ValidationError('No RunPod API key is configured: set RUNPOD_API_KEY, or train on a RunPod sandbox.', {
      field: 'apiKey',
    });
  }
  const trainer = new RunpodTrainer({ storage, apiKey, ...(baseUrl && { baseUrl }), ...(onEvent && { onEvent }) });
  return choice(trainer, `RunPod (${baseUrl ?? 'https://api.runpod.io'})`, false, false);
}
