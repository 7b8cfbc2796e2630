export { createTrainingPod, type TrainingPodPlan } from './create-training-pod.js';
export { type PodTrainingStatus, podEnv, podOutputs } from './pod-protocol.js';
export { type PodStartCommandOptions, podStartCommand } from './pod-start-command.js';
export type { RetryPolicy } from './retrying-fetch.js';
export { parseLogEvents, RunpodClient, type RunpodClientSettings } from './runpod-client.js';
export { type RunpodCostEstimate, RunpodTrainer } from './runpod-trainer.js';
export type { RunpodTrainerSettings } from './runpod-trainer-settings.js';
export type {
  RunpodCloud,
  RunpodCreatePodRequest,
  RunpodGpuType,
  RunpodPod,
  RunpodPodBillingRecord,
  RunpodPodStatus,
  RunpodProblem,
} from './runpod-types.js';
export { type GpuCandidate, type GpuPreferences, selectGpuCandidates } from './select-gpu.js';
export { parseSimpleTunerWebhook } from './simpletuner-webhook.js';
export {
  type OrphanRunState,
  type SweepOrphanPodsOptions,
  type SweptPod,
  sweepOrphanPods,
} from './sweep-orphan-pods.js';
export {
  configTotalSteps,
  parseConsoleLine,
  StepPace,
  summarizeTrainingMetrics,
  type TrainingMetricsSummary,
} from './training-metrics.js';
export { waitForTrainingPod } from './wait-for-training-pod.js';
