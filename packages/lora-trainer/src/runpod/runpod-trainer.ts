import { randomUUID } from 'node:crypto';
import {
  NotFoundError,
  ProviderError,
  type Trainer,
  type TrainingArtifact,
  type TrainingCost,
  type TrainingEvent,
  type TrainingJob,
  type TrainingLogLine,
  type TrainingProgress,
  type TrainingRequest,
  type TrainingWaitOptions,
  ValidationError,
} from '@model-studio/core';
import { aiToolkitFiles } from '../ai-toolkit/ai-toolkit-files.js';
import { lastAiToolkitProgress } from '../ai-toolkit/ai-toolkit-progress.js';
import { validateAiToolkitJob } from '../ai-toolkit/validate-ai-toolkit-config.js';
import { engineOfConfig } from '../training-engine.js';
import { createTrainingPod } from './create-training-pod.js';
import { listOutputNames, readOutputs, readPodMetrics, readPodStatus, readText } from './pod-outputs-reader.js';
import { podEnv, podOutputs } from './pod-protocol.js';
import { RunpodClient } from './runpod-client.js';
import type { RunpodTrainerSettings } from './runpod-trainer-settings.js';
import type { RunpodPod } from './runpod-types.js';
import { type GpuCandidate, selectGpuCandidates } from './select-gpu.js';
import { configTotalSteps, StepPace } from './training-metrics.js';
import { waitForTrainingPod } from './wait-for-training-pod.js';

/** A cost estimate made before a pod exists, for reserving money (the orchestrator settles with {@link RunpodTrainer.cost}). */
export interface RunpodCostEstimate {
  /** The GPU the pod will most likely get (the first candidate). */
  gpu: GpuCandidate;
  costPerHourUsd: number;
  /** The most the pod can cost: the price for `maxDurationSeconds`. */
  maxUsd: number;
}

/** A pod's state as {@link RunpodTrainer.status} sees it, for the wait loop. @internal */
export interface PodSnapshot {
  progress: TrainingProgress;
  /** `undefined` once RunPod no longer knows the pod (terminated). */
  pod: RunpodPod | undefined;
}

function round(usd: number): number {
  return Math.round(usd * 1_000_000) / 1_000_000;
}

/**
 * Trains on a RunPod GPU pod (REST v2) with SimpleTuner. `start` creates the pod and returns its id at once (journal
 * it); `wait` polls until the pod reports a result and always terminates the pod: on success, failure, timeout, budget,
 * abort. After a crash, a fresh instance reattaches by pod id (`status`, `attach`, `wait`) and never creates a
 * second pod; `sweepOrphanPods` terminates pods nobody waits for.
 *
 * @example
 * ```ts no-run
 * const trainer = new RunpodTrainer({ storage, apiKey: process.env.RUNPOD_API_KEY, budgetUsd: 5 });
 * const job = await trainer.start({ model: 'andie', datasetPrefix: 'models/andie/datasets/v1', config });
 * journal(job); // persist job.id before waiting
 * await trainer.wait(job, { signal, onEvent: console.log });
 * ```
 */
export class RunpodTrainer implements Trainer {
  readonly specificationVersion = 'v1' as const;
  readonly provider = 'runpod';
  readonly client: RunpodClient;
  readonly settings: RunpodTrainerSettings;
  readonly #paces = new Map<string, StepPace>();

  constructor(settings: RunpodTrainerSettings) {
    this.settings = settings;
    this.client = new RunpodClient(settings);
  }

  /** Now, in ms, on the configured clock. */
  now(): number {
    return (this.settings.clock ?? Date.now)();
  }

  /** Sends an event to the settings' handler and the call's. */
  emit(event: TrainingEvent, onEvent?: (event: TrainingEvent) => void): void {
    this.settings.onEvent?.(event);
    onEvent?.(event);
  }

  /** Checks before paying: signed URLs, reachable URLs, an ai-toolkit config's schema, the dataset archive, a GPU to rent. */
  async prepare(request: TrainingRequest, options: { signal?: AbortSignal } = {}): Promise<void> {
    const { storage } = this.settings;
    if (!storage.signedUrl) {
      throw new ValidationError(
        `Storage "${storage.provider}" cannot sign URLs; RunPod training needs S3 or LocalStorage with signedUrls.`,
      );
    }
    if (!storage.publicUrls && !this.settings.allowLoopbackUrls) {
      throw new ValidationError(
        `Storage "${storage.provider}" signs loopback URLs that a RunPod pod cannot fetch. Use S3-compatible storage (storage-s3), or allowLoopbackUrls with the RunPod sandbox.`,
      );
    }
    if (engineOfConfig(request.config) === 'ai-toolkit') validateAiToolkitJob(request.config);
    const key = `${request.datasetPrefix}/dataset.tar`;
    if (!(await storage.head(key, options))) {
      throw new ValidationError(`The dataset archive ${key} is missing. Build the dataset first.`, {
        field: 'datasetPrefix',
        value: request.datasetPrefix,
      });
    }
    await this.estimate(options);
  }

  /** The GPU and price the next pod would get, and its most expensive outcome. Throws when no GPU fits. */
  async estimate(options: { signal?: AbortSignal } = {}): Promise<RunpodCostEstimate> {
    const candidates = await this.#candidates(options.signal);
    const gpu = candidates[0]!;
    const hours = (this.settings.maxDurationSeconds ?? 14_400) / 3600;
    return { gpu, costPerHourUsd: gpu.costPerHourUsd, maxUsd: round(gpu.costPerHourUsd * hours) };
  }

  async #candidates(signal?: AbortSignal): Promise<GpuCandidate[]> {
    const gpu = this.settings.gpu ?? {};
    const catalog = await this.client.listGpuTypes({ signal, cloud: gpu.cloud ?? 'SECURE', count: gpu.count });
    const candidates = selectGpuCandidates(catalog, gpu);
    if (candidates.length === 0) {
      throw new ProviderError(
        `No RunPod GPU type fits (memory >= ${gpu.minMemoryGb ?? 24} GB, cloud ${gpu.cloud ?? 'SECURE'}${gpu.maxPricePerHour === undefined ? '' : `, <= $${gpu.maxPricePerHour}/h`}) and is in stock. Relax the GPU preferences or retry later.`,
        { provider: 'runpod', reason: 'input', isRetryable: true },
      );
    }
    return candidates;
  }

  /**
   * Creates the pod and returns at once; `job.id` is the pod id. Starting the same `runId` twice reuses the pod.
   * The config goes to the pod with `output_dir` set to the pod's output folder and `data_backend_config` to the
   * unpacked archive's `simpletuner/multidatabackend.json` (see the dataset builder's `remoteRoot`).
   */
  async start(request: TrainingRequest, options: { signal?: AbortSignal } = {}): Promise<TrainingJob> {
    const runId = request.runId ?? randomUUID().slice(0, 12);
    const outputPrefix = request.outputPrefix ?? `models/${request.model}/loras/${runId}`;
    const { config, configText } = this.#podConfig(request.config);
    await this.settings.storage.put(
      `${outputPrefix}/${podOutputs.config}`,
      new TextEncoder().encode(JSON.stringify(config, null, 2)),
      options,
    );
    const { pod } = await createTrainingPod(
      this.settings,
      this.client,
      {
        runId,
        podName: `${this.settings.namePrefix ?? 'model-studio-'}${runId}`,
        datasetKey: `${request.datasetPrefix}/dataset.tar`,
        outputPrefix,
        config,
        configText,
        candidates: await this.#candidates(options.signal),
      },
      options.signal,
    );
    const job = this.#jobOf(pod, outputPrefix);
    this.emit({ type: 'job-start', job });
    return job;
  }

  /**
   * The config as the pod gets it. SimpleTuner: `output_dir` `output` and `data_backend_config` the unpacked
   * archive's `simpletuner/multidatabackend.json` (see the dataset builder's `remoteRoot`). ai-toolkit: the same
   * dataset folder (`simpletuner/images`: images with `.txt` captions beside them, which is ai-toolkit's layout),
   * `training_folder` `<workDir>/output`, written as YAML.
   */
  #podConfig(requested: Record<string, unknown>): { config: Record<string, unknown>; configText?: string } {
    if (engineOfConfig(requested) === 'ai-toolkit') {
      const settings = this.settings.aiToolkit ?? {};
      const datasetDir = settings.datasetDir ?? '/workspace/dataset';
      const workDir = settings.workDir ?? '/workspace/run';
      const config = validateAiToolkitJob(requested);
      const process = config.config.process[0]!;
      const podProcess = {
        ...process,
        training_folder: `${workDir}/output`,
        datasets: process.datasets.map((dataset) => ({ ...dataset, folder_path: `${datasetDir}/simpletuner/images` })),
      };
      const podConfig = { ...config, config: { ...config.config, process: [podProcess] } };
      return { config: podConfig, configText: aiToolkitFiles(podConfig)['config.yaml'] };
    }
    const datasetDir = this.settings.command?.datasetDir ?? '/workspace/dataset';
    const config: Record<string, unknown> = {
      ...requested,
      output_dir: 'output',
      data_backend_config: `${datasetDir}/simpletuner/multidatabackend.json`,
    };
    if (this.settings.webhookUrl)
      config.webhook_config = [{ webhook_type: 'raw', callback_url: this.settings.webhookUrl }];
    return { config };
  }

  #jobOf(pod: RunpodPod, outputPrefix?: string): TrainingJob {
    return {
      id: pod.id,
      provider: this.provider,
      outputPrefix: outputPrefix ?? pod.env?.[podEnv.outputPrefix],
      createdAt: pod.createdAt,
      costPerHourUsd: pod.cost,
    };
  }

  /** A handle for a pod known only by id. Throws `NotFoundError` when RunPod no longer knows it. */
  async attach(id: string, options: { signal?: AbortSignal } = {}): Promise<TrainingJob> {
    const pod = await this.client.getPod(id, options);
    if (!pod.env?.[podEnv.outputPrefix]) {
      throw new ValidationError(`Pod ${id} was not started by this trainer (it has no ${podEnv.outputPrefix}).`, {
        field: 'id',
        value: id,
      });
    }
    return this.#jobOf(pod);
  }

  async #pod(job: TrainingJob, signal?: AbortSignal): Promise<RunpodPod | undefined> {
    try {
      const pod = await this.client.getPod(job.id, { signal });
      return pod.status === 'TERMINATED' ? undefined : pod;
    } catch (error) {
      if (NotFoundError.isInstance(error)) return undefined;
      throw error;
    }
  }

  /** Progress of the job from the pod's status and the metrics it uploaded. */
  async status(job: TrainingJob, options: { signal?: AbortSignal } = {}): Promise<TrainingProgress> {
    return (await this.snapshot(job, options.signal)).progress;
  }

  /** The pod and the job's progress. @internal */
  async snapshot(job: TrainingJob, signal?: AbortSignal): Promise<PodSnapshot> {
    const prefix = this.#prefix(job);
    const pod = await this.#pod(job, signal);
    const [final, metrics, config] = await Promise.all([
      readPodStatus(this.settings.storage, prefix, signal),
      readPodMetrics(this.settings.storage, prefix, signal),
      readText(this.settings.storage, `${prefix}/${podOutputs.config}`, signal),
    ]);
    const parsedConfig = config ? (JSON.parse(config) as Record<string, unknown>) : undefined;
    const totalSteps = parsedConfig ? configTotalSteps(parsedConfig) : undefined;
    const console = parsedConfig ? await this.#consoleProgress(parsedConfig, prefix, signal) : undefined;
    const step = Math.max(metrics.step, console?.step ?? 0);
    const pace = this.#paces.get(job.id) ?? new StepPace();
    this.#paces.set(job.id, pace);
    if (step > 0) pace.record(step, this.now());
    const progress: TrainingProgress = {
      status: 'running',
      step,
      totalSteps,
      loss: console && console.step > metrics.step ? (console.loss ?? metrics.loss) : metrics.loss,
      learningRate: metrics.learningRate ?? console?.learningRate,
      etaSeconds: pace.eta(totalSteps) ?? console?.etaSeconds,
      cost: this.#costOf(job, pod),
    };
    if (final?.status === 'completed')
      return { pod, progress: { ...progress, status: 'completed', message: final.message } };
    if (final?.status === 'failed') return { pod, progress: { ...progress, status: 'failed', message: final.message } };
    if (!pod)
      return { pod, progress: { ...progress, status: 'failed', message: 'The pod is gone and uploaded no result.' } };
    if (pod.status === 'PROVISIONING' || pod.status === 'STARTING')
      return { pod, progress: { ...progress, status: 'queued' } };
    if (pod.status === 'EXITED' || pod.status === 'ERROR') {
      return {
        pod,
        progress: { ...progress, status: 'failed', message: `The pod is ${pod.status} without a result.` },
      };
    }
    return { pod, progress };
  }

  /** ai-toolkit: the training bar in the uploaded console (`train.log`), ahead of the metrics between uploads. */
  async #consoleProgress(config: Record<string, unknown>, prefix: string, signal?: AbortSignal) {
    if (engineOfConfig(config) !== 'ai-toolkit') return undefined;
    const name = (config.config as { name?: string }).name;
    const text = await readText(this.settings.storage, `${prefix}/${podOutputs.log}`, signal);
    return text === undefined ? undefined : lastAiToolkitProgress(text, name);
  }

  #prefix(job: TrainingJob): string {
    if (!job.outputPrefix) {
      throw new ValidationError(`Job ${job.id} has no outputPrefix; reattach with trainer.attach(podId) first.`, {
        field: 'job',
      });
    }
    return job.outputPrefix;
  }

  #costOf(job: TrainingJob, pod: RunpodPod | undefined): TrainingCost {
    const costPerHourUsd = pod?.cost ?? job.costPerHourUsd ?? 0;
    const created = Date.parse(pod?.createdAt ?? job.createdAt ?? '');
    const billedSeconds = Number.isNaN(created) ? 0 : Math.max(0, (this.now() - created) / 1000);
    return {
      usd: round((costPerHourUsd * billedSeconds) / 3600),
      costPerHourUsd,
      billedSeconds,
      final: pod === undefined,
    };
  }

  /**
   * Money spent on the pod: while it lives, its hourly cost times its age; once it is gone, RunPod's billing records
   * for it (`GET /v2/billing/pods?podId=`), falling back to the estimate when the records are empty.
   */
  async cost(job: TrainingJob, options: { signal?: AbortSignal } = {}): Promise<TrainingCost> {
    const pod = await this.#pod(job, options.signal);
    const estimate = this.#costOf(job, pod);
    if (pod) return estimate;
    const records = await this.client.podBilling(job.id, options);
    if (records.length === 0) return { ...estimate, final: true };
    const usd = round(records.reduce((sum, record) => sum + record.totalAmount, 0));
    const billedSeconds = estimate.costPerHourUsd > 0 ? (usd / estimate.costPerHourUsd) * 3600 : estimate.billedSeconds;
    return { usd, costPerHourUsd: estimate.costPerHourUsd, billedSeconds, final: true };
  }

  /** Waits until the job ends; the pod is terminated whatever happens. See {@link waitForTrainingPod}. */
  async wait(job: TrainingJob, options: TrainingWaitOptions = {}): Promise<TrainingProgress> {
    return waitForTrainingPod(this, job, options);
  }

  /** Terminates the pod (idempotent). */
  async cancel(job: TrainingJob, options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.terminate(job, 'cancelled', options.signal);
  }

  /** Terminates the pod and emits `machine-stop`. Returns false when it was already gone. @internal */
  async terminate(job: TrainingJob, reason: string, signal?: AbortSignal): Promise<boolean> {
    const terminated = await this.client.terminatePod(job.id, { signal });
    if (terminated) this.emit({ type: 'machine-stop', job, reason });
    return terminated;
  }

  /** Every output file the pod uploaded (LoRA, metrics, samples, log, config). */
  async fetchArtifacts(job: TrainingJob, options: { signal?: AbortSignal } = {}): Promise<TrainingArtifact[]> {
    return readOutputs(this.settings.storage, this.#prefix(job), options.signal);
  }

  /** Names of the files uploaded so far. */
  async artifactNames(job: TrainingJob, options: { signal?: AbortSignal } = {}): Promise<string[]> {
    return listOutputNames(this.settings.storage, this.#prefix(job), options.signal);
  }

  /** The pod's console lines; once the pod is gone, its uploaded `train.log`. */
  async logs(job: TrainingJob, options: { signal?: AbortSignal } = {}): Promise<TrainingLogLine[]> {
    const pod = await this.#pod(job, options.signal);
    if (pod) return this.client.podLogs(job.id, options);
    const text =
      (await readText(this.settings.storage, `${this.#prefix(job)}/${podOutputs.log}`, options.signal)) ?? '';
    return text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => ({ ts: '', source: 'container', line }));
  }
}
