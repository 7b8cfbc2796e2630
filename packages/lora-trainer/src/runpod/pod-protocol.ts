/**
 * What a training pod gets and gives back. The runner passes inputs as environment variables (`MS_*`) and reads the
 * outputs from storage under the job's output prefix; the start command (and the sandbox trainer process in
 * `./testing`) follow the same contract.
 */
export const podEnv = {
  /** Our run id (also in the pod's name). */
  runId: 'MS_RUN_ID',
  /** Storage prefix the outputs are written under (not a secret; lets `attach` find them). */
  outputPrefix: 'MS_OUTPUT_PREFIX',
  /** Signed GET URL of the dataset archive. */
  datasetUrl: 'MS_DATASET_URL',
  /** The engine's config, base64: SimpleTuner's config.json, or ai-toolkit's config.yaml. */
  config: 'MS_CONFIG_B64',
  /** Signed PUT URLs, one per output file. */
  putLora: 'MS_PUT_LORA',
  putMetrics: 'MS_PUT_METRICS',
  putStatus: 'MS_PUT_STATUS',
  putLog: 'MS_PUT_LOG',
  /** Space-separated signed PUT URLs for validation samples, in order. */
  putSamples: 'MS_PUT_SAMPLES',
  /**
   * Space-separated `<file pattern>=<signed PUT URL>` pairs: checkpoints and step samples, uploaded as soon as a file
   * matching the pattern (relative to the work folder, `*` matches any run of characters but `/`) exists and has not
   * changed for a few seconds, and at the end. See `podOutputPlan`.
   */
  putOutputs: 'MS_PUT_OUTPUTS',
  /** The final LoRA's path on the pod, relative to the work folder (it depends on the engine and the config). */
  loraPath: 'MS_LORA_PATH',
  /** Seconds between uploads of the metrics while training. */
  uploadInterval: 'MS_UPLOAD_INTERVAL',
  /** Base URL of the RunPod API the pod uses to delete itself. */
  apiBase: 'MS_RUNPOD_API_BASE',
} as const;

/** File names under a job's output prefix. */
export const podOutputs = {
  lora: 'pytorch_lora_weights.safetensors',
  metrics: 'training_metrics.jsonl',
  status: 'training_status.json',
  log: 'train.log',
  config: 'config.json',
  /** Folder of the checkpoints (see `listCheckpoints` for the names per engine). */
  checkpoints: 'checkpoints/',
  /** `samples/sample-<n>.png`, n from 0. */
  sample: (index: number) => `samples/sample-${index}.png`,
} as const;

/** The final status a pod uploads as `training_status.json`. */
export interface PodTrainingStatus {
  status: 'running' | 'completed' | 'failed';
  last_step?: number;
  message?: string;
  /** True when written by the sandbox trainer of `./testing`. */
  sandbox?: boolean;
}
