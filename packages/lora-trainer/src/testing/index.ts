/**
 * `@model-studio/lora-trainer/testing`: a RunPod REST v2 sandbox (emulator) on 127.0.0.1, whose pods run a sandbox
 * trainer process that uploads a small valid LoRA, metrics and sample images. Everything it returns is labelled
 * sandbox; nothing is trained and nothing is charged.
 *
 * @packageDocumentation
 */

export {
  type HubSandbox,
  type HubSandboxFault,
  type HubSandboxModel,
  type HubSandboxOptions,
  startHubSandbox,
} from './hub-emulator.js';
export { sandboxGpuCatalog } from './sandbox-gpus.js';
export type { RunpodSandboxOptions, SandboxHttpFault, SandboxPodFault } from './sandbox-options.js';
export { encodeSandboxPng, sandboxPng } from './sandbox-png.js';
export type { SandboxLogLine, SandboxPod } from './sandbox-pod.js';
export {
  type SandboxCheckpointFilesOptions,
  type SandboxSampleOptions,
  type SandboxSampleSchedule,
  sandboxCheckpointFiles,
  sandboxNoiseShare,
  sandboxSample,
  sandboxSampleScheduleFromEnv,
  sandboxScheduledSamples,
} from './sandbox-samples.js';
export { RunpodSandbox, type SandboxPodBilling, startRunpodSandbox } from './start-runpod-sandbox.js';
