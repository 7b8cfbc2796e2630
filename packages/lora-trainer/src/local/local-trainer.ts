import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, open, readFile, writeFile } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import {
  ProviderError,
  type Trainer,
  type TrainingArtifact,
  type TrainingCost,
  type TrainingJob,
  type TrainingLogLine,
  type TrainingProgress,
  type TrainingRequest,
  type TrainingWaitOptions,
  ValidationError,
} from '@model-studio/core';
import { artifactKind } from '../runpod/pod-outputs-reader.js';
import { podOutputs } from '../runpod/pod-protocol.js';
import { configTotalSteps, parseConsoleLine, StepPace, summarizeTrainingMetrics } from '../runpod/training-metrics.js';
import {
  exists,
  localRunFiles as files,
  listFiles,
  readJobRecord,
  readOptional,
  rebaseMultidatabackend,
  unpackTar,
} from './local-run-files.js';
import type { LocalJobRecord, LocalTrainerSettings } from './local-trainer-settings.js';
import { isAlive, killProcessGroup } from './process-group.js';
import { waitForLocalJob } from './wait-for-local-job.js';

async function onPath(command: string): Promise<boolean> {
  const candidates = isAbsolute(command)
    ? [command]
    : (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, command));
  for (const candidate of candidates) {
    if (
      await access(candidate, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return true;
  }
  return false;
}

/**
 * Trains on this machine's own GPU: runs `simpletuner train` (or any configured command) in a run folder under
 * `workRoot`, as the leader of its own process group, with its console written to `console.log` and its exit code
 * to `exit-code`, so that a fresh process can reattach by run id after a crash. Progress comes from SimpleTuner's
 * `training_metrics.jsonl` and the console's step bar; `cancel` (and an aborted `wait`) kills the whole process
 * group. Training locally costs nothing here: `cost` is always 0 USD.
 *
 * @example
 * ```ts no-run
 * const trainer = new LocalTrainer({ storage, workRoot: '/data/runs' });
 * const job = await trainer.start({ model: 'andie', datasetPrefix: 'models/andie/datasets/v1', config });
 * await trainer.wait(job, { signal, onEvent: console.log });
 * ```
 */
export class LocalTrainer implements Trainer {
  readonly specificationVersion = 'v1' as const;
  readonly provider = 'local';
  readonly settings: LocalTrainerSettings;
  readonly #paces = new Map<string, StepPace>();

  constructor(settings: LocalTrainerSettings) {
    this.settings = settings;
  }

  #command(): string[] {
    return this.settings.command ?? ['simpletuner', 'train'];
  }

  /** The run folder of a job. */
  runDir(job: TrainingJob | string): string {
    const id = typeof job === 'string' ? job : job.id;
    if (!/^[A-Za-z0-9._-]+$/.test(id) || id.startsWith('.'))
      throw new ValidationError(`Bad local run id: ${id}.`, { field: 'id', value: id });
    return join(this.settings.workRoot, id);
  }

  /** Checks that the dataset archive exists and the command can be found. */
  async prepare(request: TrainingRequest, options: { signal?: AbortSignal } = {}): Promise<void> {
    const key = `${request.datasetPrefix}/dataset.tar`;
    if (!(await this.settings.storage.head(key, options))) {
      throw new ValidationError(`The dataset archive ${key} is missing. Build the dataset first.`, {
        field: 'datasetPrefix',
      });
    }
    const program = this.#command()[0] ?? '';
    if (!(await onPath(program))) {
      throw new ValidationError(
        `The training command "${program}" was not found on PATH. Install SimpleTuner (pip install 'simpletuner[cuda]') or set the command option.`,
        { field: 'command', value: program },
      );
    }
  }

  /**
   * Unpacks the dataset archive into the run folder (rebasing its multidatabackend.json paths from `remoteRoot`),
   * writes config.json (`output_dir` and `data_backend_config` pointing into the run folder) and starts the
   * command; returns at once with the run id. Starting the same `runId` again reattaches instead.
   */
  async start(request: TrainingRequest, options: { signal?: AbortSignal } = {}): Promise<TrainingJob> {
    const runId = request.runId ?? randomUUID().slice(0, 12);
    const dir = this.runDir(runId);
    if (await exists(join(dir, files.job))) return this.attach(runId);
    await mkdir(join(dir, files.output), { recursive: true });
    const archive = await this.settings.storage.get(`${request.datasetPrefix}/dataset.tar`, options);
    await unpackTar(archive, join(dir, files.dataset));
    const backends = await rebaseMultidatabackend(
      join(dir, files.dataset),
      this.settings.remoteRoot ?? '/workspace/dataset',
    );
    const config = {
      ...request.config,
      output_dir: join(dir, files.output),
      ...(backends ? { data_backend_config: backends } : {}),
    };
    await writeFile(join(dir, files.config), JSON.stringify(config, null, 2));
    const log = await open(join(dir, files.console), 'a');
    const command = this.#command();
    const child = spawn('/bin/sh', ['-c', `"$@"; echo $? > ${files.exitCode}`, 'sh', ...command], {
      cwd: dir,
      detached: true,
      stdio: ['ignore', log.fd, log.fd],
      env: {
        ...process.env,
        ...this.settings.env,
        CONFIG_BACKEND: 'json',
        CONFIG_PATH: join(dir, files.config),
        SIMPLETUNER_JOB_ID: runId,
      },
    });
    const spawned = new Promise<number>((resolve, reject) => {
      child.once('spawn', () => resolve(child.pid!));
      child.once('error', reject);
    });
    await log.close();
    const pid = await spawned;
    child.unref();
    const record: LocalJobRecord = {
      runId,
      pid,
      startedAt: new Date().toISOString(),
      command,
      outputPrefix: request.outputPrefix,
    };
    await writeFile(join(dir, files.job), JSON.stringify(record, null, 2));
    const job = this.#jobOf(record);
    this.settings.onEvent?.({ type: 'job-start', job });
    return job;
  }

  #jobOf(record: LocalJobRecord): TrainingJob {
    return {
      id: record.runId,
      provider: this.provider,
      outputPrefix: record.outputPrefix,
      createdAt: record.startedAt,
      costPerHourUsd: 0,
    };
  }

  /** A handle for a run known only by id (its folder under `workRoot`). */
  async attach(id: string): Promise<TrainingJob> {
    return this.#jobOf(await readJobRecord(this.runDir(id)));
  }

  /** Progress from the metrics file, the console's step bar and the process state. */
  async status(job: TrainingJob): Promise<TrainingProgress> {
    const dir = this.runDir(job);
    const record = await readJobRecord(dir);
    const config = JSON.parse((await readOptional(join(dir, files.config))) ?? '{}');
    const metrics = summarizeTrainingMetrics((await readOptional(join(dir, files.output, podOutputs.metrics))) ?? '');
    let totalSteps = configTotalSteps(config);
    let step = metrics.step;
    let loss = metrics.loss;
    for (const line of ((await readOptional(join(dir, files.console))) ?? '').split(/[\n\r]/)) {
      const parsed = parseConsoleLine(line);
      totalSteps = parsed?.totalSteps ?? totalSteps;
      if (parsed?.step !== undefined && parsed.step > step) step = parsed.step;
      if (metrics.loss === undefined && parsed?.loss !== undefined) loss = parsed.loss;
    }
    const pace = this.#paces.get(job.id) ?? new StepPace();
    this.#paces.set(job.id, pace);
    if (step > 0) pace.record(step, Date.now());
    const progress: TrainingProgress = {
      status: 'running',
      step,
      totalSteps,
      loss,
      learningRate: metrics.learningRate,
      etaSeconds: pace.eta(totalSteps),
    };
    if (await exists(join(dir, files.cancelled))) return { ...progress, status: 'cancelled', message: 'Cancelled.' };
    const exitCode = (await readOptional(join(dir, files.exitCode)))?.trim();
    if (exitCode === '0') {
      if (await exists(join(dir, files.output, podOutputs.lora))) return { ...progress, status: 'completed' };
      return { ...progress, status: 'failed', message: `The command exited 0 but wrote no ${podOutputs.lora}.` };
    }
    if (exitCode !== undefined)
      return { ...progress, status: 'failed', message: `The command exited with code ${exitCode}; see console.log.` };
    if (!isAlive(record.pid))
      return { ...progress, status: 'failed', message: 'The training process ended without an exit code (killed?).' };
    return progress;
  }

  /** Waits until the run ends, emitting progress and console lines; an aborted signal cancels the run. */
  async wait(job: TrainingJob, options: TrainingWaitOptions = {}): Promise<TrainingProgress> {
    return waitForLocalJob(this, job, options);
  }

  /** Kills the run's whole process group (SIGTERM, then SIGKILL after `killGraceMs`). Idempotent. */
  async cancel(job: TrainingJob): Promise<void> {
    const dir = this.runDir(job);
    const record = await readJobRecord(dir);
    if (!(await exists(join(dir, files.exitCode))))
      await writeFile(join(dir, files.cancelled), new Date().toISOString());
    await killProcessGroup(record.pid, this.settings.killGraceMs ?? 10_000);
    this.settings.onEvent?.({ type: 'machine-stop', job, reason: 'cancelled' });
  }

  /** The output folder's files (LoRA, metrics, samples) and the console log; copied to storage under `outputPrefix` when set. */
  async fetchArtifacts(job: TrainingJob): Promise<TrainingArtifact[]> {
    const dir = this.runDir(job);
    const artifacts: TrainingArtifact[] = [];
    const names = (await listFiles(join(dir, files.output))).map((name) => ({
      name,
      path: join(dir, files.output, name),
    }));
    names.push({ name: podOutputs.log, path: join(dir, files.console) });
    for (const { name, path } of names) {
      const bytes = new Uint8Array(await readFile(path));
      const kind = name.startsWith('validation_images/') ? 'sample' : artifactKind(name);
      const key = job.outputPrefix ? `${job.outputPrefix}/${name}` : undefined;
      if (key) await this.settings.storage.put(key, bytes);
      artifacts.push({ name, bytes, kind, key });
    }
    return artifacts;
  }

  /** The console lines so far. */
  async logs(job: TrainingJob): Promise<TrainingLogLine[]> {
    const text = (await readOptional(join(this.runDir(job), files.console))) ?? '';
    return text
      .split(/[\n\r]/)
      .filter((line) => line !== '')
      .map((line) => ({ ts: '', source: 'console', line }));
  }

  /** Always 0 USD: the machine is the user's own. */
  async cost(): Promise<TrainingCost> {
    return { usd: 0, costPerHourUsd: 0, billedSeconds: 0, final: true };
  }

  /** @internal */
  failure(job: TrainingJob, progress: TrainingProgress): ProviderError {
    return new ProviderError(`Local training run ${job.id} ${progress.status}: ${progress.message ?? ''}`.trim(), {
      provider: this.provider,
      reason: progress.status === 'cancelled' ? 'aborted' : 'job-failed',
      isRetryable: false,
      jobId: job.id,
    });
  }
}
