import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { isLoopbackUrl, type Storage, type Trainer, type TrainingEvent } from '@model-studio/core';
import type { CliContext } from './cli-context.js';
import { UsageError } from './usage-error.js';

/** Which trainer a `studio train` command uses. */
export interface TrainerChoice {
  /** `--local <command>`: a local process (SimpleTuner on this machine's GPU). */
  local?: string;
}

/** A trainer for the CLI, with a label for screens and how to close what it started. */
export interface CliTrainer {
  trainer: Trainer;
  label: string;
  /** True for the RunPod sandbox: screens say SANDBOX and nothing is paid. */
  sandbox: boolean;
  /** True when the sandbox runs in this process (its pods end with the process). */
  inProcess: boolean;
  /** The most a job may cost (USD), reserved in the ledger before the pod is created. */
  estimateUsd(): Promise<number>;
  /** The in-process sandbox, for the demo's figures. */
  sandboxInfo?: { created: () => number; live: () => number };
  close(): Promise<void>;
}

const noKeyHelp =
  'No RunPod API key is configured. Set RUNPOD_API_KEY (in the environment or a .env file here) to train on RunPod, ' +
  'pass --sandbox to train on an in-process RunPod sandbox (nothing is paid; the LoRA is a sandbox file), or ' +
  '`--local "<command>"` to run SimpleTuner on this machine.';

/** A free TCP port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * The workspace's signed-URL server settings for training against a loopback RunPod sandbox: a fixed port and secret
 * kept in `<workspace>/.studio/signed-urls.json` (mode 0600), so the URLs a pod was given stay valid when a restarted
 * `studio train attach` reattaches it. Only loopback URLs: a real pod gets S3 URLs.
 */
export async function stableSignedUrls(root: string): Promise<{ port: number; secret: string }> {
  const file = join(root, '.studio', 'signed-urls.json');
  const saved = await readFile(file, 'utf8').then(
    (text) => JSON.parse(text) as { port: number; secret: string },
    () => undefined,
  );
  if (saved && Number.isInteger(saved.port) && typeof saved.secret === 'string') return saved;
  const fresh = { port: await freePort(), secret: randomBytes(24).toString('hex') };
  await mkdir(join(root, '.studio'), { recursive: true });
  await writeFile(file, `${JSON.stringify(fresh)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return fresh;
}

/** True when the trainer will be the RunPod sandbox (in-process or on loopback): signed URLs must survive restarts. */
export function trainsOnLoopback(context: CliContext, choice: TrainerChoice, inProcess: boolean): boolean {
  if (choice.local) return false;
  const baseUrl = context.settings.runpodBaseUrl;
  return inProcess || context.options.sandbox || (baseUrl !== undefined && isLoopbackUrl(baseUrl));
}

/**
 * Creates the trainer a command asked for: `--local <command>` runs a local process; `--sandbox` (and `studio demo`)
 * an in-process RunPod sandbox; a loopback `RUNPOD_BASE_URL` a sandbox running elsewhere on this machine; else the
 * real RunPod API with `RUNPOD_API_KEY`. `onEvent` receives the trainer's events.
 */
export async function createCliTrainer(
  context: CliContext,
  storage: Storage,
  root: string,
  choice: TrainerChoice & { inProcessSandbox?: boolean; onEvent?: (event: TrainingEvent) => void },
): Promise<CliTrainer> {
  const lora = await import('@model-studio/lora-trainer');
  if (choice.local) {
    const trainer = new lora.LocalTrainer({
      storage,
      workRoot: join(root, '.studio', 'local-training'),
      command: choice.local.split(' ').filter(Boolean),
      ...(choice.onEvent && { onEvent: choice.onEvent }),
    });
    return {
      trainer,
      label: `local process (${choice.local})`,
      sandbox: false,
      inProcess: false,
      estimateUsd: async () => 0,
      async close() {},
    };
  }
  // Loopback sandbox URLs are fine for a sandbox on this machine only.
  const base = { storage, allowLoopbackUrls: true, ...(choice.onEvent && { onEvent: choice.onEvent }) };
  if (choice.inProcessSandbox || context.options.sandbox) {
    const testing = await import('@model-studio/lora-trainer/testing');
    const sandbox = await testing.startRunpodSandbox({ clockFactor: 60, stepSeconds: 2, defaultSteps: 12 });
    const trainer = new lora.RunpodTrainer({
      ...base,
      baseUrl: sandbox.url,
      apiKey: sandbox.apiKey,
      clock: sandbox.now,
      pollIntervalMs: 100,
      uploadIntervalSeconds: 6,
      sampleCount: 2,
      selfStopGraceSeconds: 600,
    });
    return {
      trainer,
      label: `RunPod sandbox (in-process at ${sandbox.url}; nothing is paid, the LoRA is a sandbox file)`,
      sandbox: true,
      inProcess: true,
      estimateUsd: async () => (await trainer.estimate()).maxUsd,
      sandboxInfo: { created: () => sandbox.created.length, live: () => sandbox.livePods().length },
      close: () => sandbox.close(),
    };
  }
  const { runpodApiKey, runpodBaseUrl } = context.settings;
  if (runpodBaseUrl !== undefined && isLoopbackUrl(runpodBaseUrl)) {
    const trainer = new lora.RunpodTrainer({
      ...base,
      baseUrl: runpodBaseUrl,
      apiKey: runpodApiKey ?? 'sandbox-key',
      pollIntervalMs: 100,
      // The sandbox pod uploads to this process's loopback URLs: every 5 s leaves a restarted `train attach` time to
      // bring its URL server back before the next upload (a real pod uploads to S3).
      uploadIntervalSeconds: 5,
      sampleCount: 2,
      // A sandbox pod whose trainer died stops billing after 2 minutes without a step (real RunPod: 1 hour).
      stallTimeoutSeconds: 120,
    });
    return {
      trainer,
      label: `RunPod sandbox at ${runpodBaseUrl} (loopback; nothing is paid)`,
      sandbox: true,
      inProcess: false,
      estimateUsd: async () => (await trainer.estimate()).maxUsd,
      async close() {},
    };
  }
  if (runpodApiKey === undefined) throw new UsageError(noKeyHelp);
  const trainer = new lora.RunpodTrainer({
    storage,
    apiKey: runpodApiKey,
    ...(runpodBaseUrl && { baseUrl: runpodBaseUrl }),
    ...(choice.onEvent && { onEvent: choice.onEvent }),
  });
  return {
    trainer,
    label: `RunPod (${runpodBaseUrl ?? 'https://api.runpod.io'})`,
    sandbox: false,
    inProcess: false,
    estimateUsd: async () => (await trainer.estimate()).maxUsd,
    async close() {},
  };
}
