import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, open, readFile, writeFile } from 'node:fs/promises';
import { basename, delimiter, isAbsolute, join } from 'node:path';
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
import { validateAiToolkitJob } from '../ai-toolkit/validate-ai-toolkit-config.js';
import { artifactKind, finalLoraFirst } from '../runpod/pod-outputs-reader.js';
import { podOutputs } from '../runpod/pod-protocol.js';
import { configTotalSteps, parseConsoleLine, StepPace, summarizeTrainingMetrics } from '../runpod/training-metrics.js';
import { engineOfConfig, type TrainingEngine } from '../training-engine.js';
import {
  aiToolkitArtifactName,
  aiToolkitConfigFile,
  aiToolkitConsoleProgress,
  aiToolkitFinalLoraPath,
  aiToolkitLocalConfig,
  aiToolkitMetricsFromConsole,
} from './local-ai-toolkit.js';
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

/** What a run's files say about its progress. */
interface ConsoleRead {
  step: number;
  totalSteps?: number | undefined;
  loss?: number | undefined;
  learningRate?: number | undefined;
  etaSeconds?: number | undefined;
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

  #command(engine: TrainingEngine): string[] {
    return this.settings.command ?? (engine === 'ai-toolkit' ? ['python', 'run.py'] : ['simpletuner', 'train']);
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
    const engine = engineOfConfig(request.config);
    if (engine === 'ai-toolkit') validateAiToolkitJob(request.config);
    const program = this.#command(engine)[0] ?? '';
    if (!(await onPath(program))) {
      const install =
        engine === 'ai-toolkit'
          ? 'Install ai-toolkit (git clone https://github.com/ostris/ai-toolkit at a pinned commit, pip install -r requirements.txt), set aiToolkitDir'
          : "Install SimpleTuner (pip install 'simpletuner[cuda]')";
      throw new ValidationError(
        `The training command "${program}" was not found on PATH. ${install} or set the command option.`,
        {
          field: 'command',
          value: program,
        },
      );
    }
    if (
      engine === 'ai-toolkit' &&
      this.settings.aiToolkitDir &&
      !(await exists(join(this.settings.aiToolkitDir, 'run.py')))
    ) {
      throw new ValidationError(
        `aiToolkitDir ${this.settings.aiToolkitDir} has no run.py: point it at your ai-toolkit checkout.`,
        {
          field: 'aiToolkitDir',
        },
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
    const engine = engineOfConfig(request.config);
    const launch = await this.#launchPlan(engine, request.config, dir);
    const log = await open(join(dir, files.console), 'a');
    const child = spawn('/bin/sh', ['-c', '"$@"; echo $? > "$MS_EXIT_FILE"', 'sh', ...launch.command], {
      cwd: launch.cwd,
      detached: true,
      stdio: ['ignore', log.fd, log.fd],
      env: { ...process.env, ...this.settings.env, ...launch.env, MS_EXIT_FILE: join(dir, files.exitCode) },
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
      command: launch.command,
      outputPrefix: request.outputPrefix,
      engine,
      ...(launch.jobName && { jobName: launch.jobName }),
    };
    await writeFile(join(dir, files.job), JSON.stringify(record, null, 2));
    const job = this.#jobOf(record);
    this.settings.onEvent?.({ type: 'job-start', job });
    return job;
  }

  /** Writes the engine's config into the run folder; the command, its folder and environment. */
  async #launchPlan(
    engine: TrainingEngine,
    requested: Record<string, unknown>,
    dir: string,
  ): Promise<{ command: string[]; cwd: string; env: Record<string, string>; jobName?: string }> {
    if (engine === 'ai-toolkit') {
      const { config, yaml } = aiToolkitLocalConfig(requested, dir);
      await writeFile(join(dir, aiToolkitConfigFile), yaml);
      await writeFile(join(dir, files.config), JSON.stringify(config, null, 2));
      return {
        command: [...this.#command(engine), join(dir, aiToolkitConfigFile)],
        cwd: this.settings.aiToolkitDir ?? dir,
        env: { PYTHONUNBUFFERED: '1' },
        jobName: config.config.name,
      };
    }
    const backends = await rebaseMultidatabackend(
      join(dir, files.dataset),
      this.settings.remoteRoot ?? '/workspace/dataset',
    );
    const config = {
      ...requested,
      output_dir: join(dir, files.output),
      ...(backends ? { data_backend_config: backends } : {}),
    };
    await writeFile(join(dir, files.config), JSON.stringify(config, null, 2));
    return {
      command: this.#command(engine),
      cwd: dir,
      env: { CONFIG_BACKEND: 'json', CONFIG_PATH: join(dir, files.config), SIMPLETUNER_JOB_ID: basename(dir) },
    };
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
    // Liveness, then the exit code, then the console: the shell writes the exit code before it exits, and the console
    // read last is complete when the process has exited.
    const alive = isAlive(record.pid);
    const exitCode = (await readOptional(join(dir, files.exitCode)))?.trim();
    const consoleText = (await readOptional(join(dir, files.console))) ?? '';
    const read =
      record.engine === 'ai-toolkit'
        ? this.#aiToolkitRead(record, consoleText)
        : await this.#simpleTunerRead(dir, consoleText);
    const pace = this.#paces.get(job.id) ?? new StepPace();
    this.#paces.set(job.id, pace);
    if (read.step > 0) pace.record(read.step, Date.now());
    const progress: TrainingProgress = {
      status: 'running',
      step: read.step,
      totalSteps: read.totalSteps,
      loss: read.loss,
      learningRate: read.learningRate,
      etaSeconds: pace.eta(read.totalSteps) ?? read.etaSeconds,
    };
    if (await exists(join(dir, files.cancelled))) return { ...progress, status: 'cancelled', message: 'Cancelled.' };
    if (exitCode === '0') {
      const lora =
        record.engine === 'ai-toolkit' && record.jobName
          ? aiToolkitFinalLoraPath(dir, record.jobName)
          : join(dir, files.output, podOutputs.lora);
      if (await exists(lora)) return { ...progress, status: 'completed' };
      return {
        ...progress,
        status: 'failed',
        message: `The command exited 0 but wrote no ${basename(lora)} (ai-toolkit exits 0 when stopped).`,
      };
    }
    if (exitCode !== undefined)
      return { ...progress, status: 'failed', message: `The command exited with code ${exitCode}; see console.log.` };
    if (!alive)
      return { ...progress, status: 'failed', message: 'The training process ended without an exit code (killed?).' };
    return progress;
  }

  async #simpleTunerRead(dir: string, consoleText: string): Promise<ConsoleRead> {
    const config = JSON.parse((await readOptional(join(dir, files.config))) ?? '{}');
    const metrics = summarizeTrainingMetrics((await readOptional(join(dir, files.output, podOutputs.metrics))) ?? '');
    const read: ConsoleRead = {
      step: metrics.step,
      totalSteps: configTotalSteps(config),
      loss: metrics.loss,
      learningRate: metrics.learningRate,
    };
    for (const line of consoleText.split(/[\n\r]/)) {
      const parsed = parseConsoleLine(line);
      read.totalSteps = parsed?.totalSteps ?? read.totalSteps;
      if (parsed?.step !== undefined && parsed.step > read.step) read.step = parsed.step;
      if (metrics.loss === undefined && parsed?.loss !== undefined) read.loss = parsed.loss;
    }
    return read;
  }

  #aiToolkitRead(record: LocalJobRecord, consoleText: string): ConsoleRead {
    const bar = aiToolkitConsoleProgress(consoleText, record.jobName ?? '');
    return {
      step: bar?.step ?? 0,
      totalSteps: bar?.totalSteps,
      loss: bar?.loss,
      learningRate: bar?.learningRate,
      etaSeconds: bar?.etaSeconds,
    };
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

  /**
   * The output folder's files (LoRA, checkpoints, metrics, samples) and the console log; copied to storage under
   * `outputPrefix` when set. ai-toolkit's files are named as `listCheckpoints` reads them, with a
   * `training_metrics.jsonl` made from its console's training bar.
   */
  async fetchArtifacts(job: TrainingJob): Promise<TrainingArtifact[]> {
    const dir = this.runDir(job);
    const record = await readJobRecord(dir);
    const artifacts: TrainingArtifact[] = [];
    const listed = await listFiles(join(dir, files.output));
    const names: Array<{ name: string; path?: string; bytes?: Uint8Array }> = [];
    if (record.engine === 'ai-toolkit' && record.jobName) {
      for (const file of listed) {
        const name = aiToolkitArtifactName(file, record.jobName);
        if (name) names.push({ name, path: join(dir, files.output, file) });
      }
      const consoleText = (await readOptional(join(dir, files.console))) ?? '';
      const metrics = aiToolkitMetricsFromConsole(consoleText, record.jobName);
      names.push({ name: podOutputs.metrics, bytes: new TextEncoder().encode(metrics) });
    } else names.push(...listed.map((name) => ({ name, path: join(dir, files.output, name) })));
    names.push({ name: podOutputs.log, path: join(dir, files.console) });
    const order = finalLoraFirst(names.map((entry) => entry.name));
    names.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
    for (const { name, path, bytes: made } of names) {
      const bytes = made ?? new Uint8Array(await readFile(path!));
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
