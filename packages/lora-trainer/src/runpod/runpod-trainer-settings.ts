import type { Storage, TrainingEvent } from '@model-studio/core';
import type { AiToolkitStartCommandOptions } from '../ai-toolkit/ai-toolkit-start-command.js';
import type { PodStartCommandOptions } from './pod-start-command.js';
import type { RunpodClientSettings } from './runpod-client.js';
import type { GpuPreferences } from './select-gpu.js';

/** Settings of {@link RunpodTrainer}. Every duration is in seconds of the pod's billed time unless said otherwise. */
export interface RunpodTrainerSettings extends RunpodClientSettings {
  /** Where datasets are read from and outputs written to; must offer `signedUrl` (GET and PUT). */
  storage: Storage;
  /**
   * Prefix of our pods' names: `<prefix><runId>`. The orphan sweep only touches pods carrying it.
   * @default 'model-studio-'
   */
  namePrefix?: string;
  /** Which GPU to rent. */
  gpu?: GpuPreferences;
  /**
   * Container image (needs Python 3.12+, CUDA, curl, bash).
   * @default 'runpod/pytorch:1.0.2-cu1281-torch280-ubuntu2404'
   */
  image?: string;
  /**
   * Container disk in GB (base model weights, caches).
   * @default 120
   */
  diskGb?: number;
  /**
   * Longest a pod may live, provisioning included; the runner terminates it then.
   * @default 14400 (4 h)
   */
  maxDurationSeconds?: number;
  /**
   * Longest a pod may stay PROVISIONING/STARTING before it is terminated.
   * @default 900
   */
  provisioningTimeoutSeconds?: number;
  /**
   * After the pod reported success, how long it may take to delete itself before the runner terminates it.
   * @default 10
   */
  selfStopGraceSeconds?: number;
  /**
   * Longest a RUNNING pod may go without a new training step (model download included) before it is terminated:
   * catches a hung trainer or a container that crashed and restarts in a loop.
   * @default 3600
   */
  stallTimeoutSeconds?: number;
  /** USD the job may spend; the pod is terminated when its cost reaches it. */
  budgetUsd?: number;
  /**
   * Real milliseconds between status polls while waiting.
   * @default 15000
   */
  pollIntervalMs?: number;
  /**
   * Seconds between uploads of `training_metrics.jsonl` by the pod.
   * @default 60
   */
  uploadIntervalSeconds?: number;
  /**
   * Validation samples the pod uploads (one signed PUT URL each).
   * @default 4
   */
  sampleCount?: number;
  /** Hugging Face token for gated base models (FLUX.1-dev), passed to the pod as `HF_TOKEN`. Never logged. */
  hfToken?: string;
  /** A public URL that receives SimpleTuner's webhooks (`webhook_config` raw callbacks). */
  webhookUrl?: string;
  /**
   * Let loopback signed URLs through (only the RunPod sandbox on this machine can fetch them).
   * @default false
   */
  allowLoopbackUrls?: boolean;
  /** Extra environment variables for the pod. */
  env?: Record<string, string>;
  /** Start command options for SimpleTuner configs (SimpleTuner requirement, work folder). */
  command?: PodStartCommandOptions;
  /** Start command options for ai-toolkit configs (repository, pinned ref, PyTorch install, folders). */
  aiToolkit?: AiToolkitStartCommandOptions;
  /** Clock in ms since the epoch, for guards and costs (tests pass the sandbox's emulated clock). @default Date.now */
  clock?: () => number;
  /** Receives every event of every job, besides the per-call `onEvent`. */
  onEvent?: (event: TrainingEvent) => void;
}
