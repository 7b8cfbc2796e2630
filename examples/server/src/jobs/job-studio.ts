import type { Studio, Workspace } from '@model-studio/core';

/** What a job handler needs of the server's studio (`ServerContext.openStudio()` returns it). */
export interface JobStudio {
  studio: Studio;
  workspace: Workspace;
  /** True when results come from a sandbox: the job's result says `sandbox: true`. */
  sandbox: boolean;
  /** The studio's trainer, when it tells the most a training may cost (USD; reserved before the pod starts). */
  trainerEstimateUsd?: () => Promise<number>;
  close(): Promise<void>;
}

/** Opens a studio for one job (closed by the handler when it ends). */
export type OpenJobStudio = () => Promise<JobStudio>;
