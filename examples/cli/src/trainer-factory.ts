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
  const { runpodApiKey, runpodBaseUrl } = context.settings;
  const inProcess = choice.inProcessSandbox || context.options.sandbox;
  if (!inProcess && runpodApiKey === undefined && !(runpodBaseUrl !== undefined && isLoopbackUrl(runpodBaseUrl)))
    throw new UsageError(noKeyHelp);
  const testing = inProcess ? await import('@model-studio/lora-trainer/testing') : undefined;
  const sandbox = await testing?.startRunpodSandbox({ clockFactor: 60, stepSeconds: 2, defaultSteps: 12 });
  const chosen = lora.createRunpodTrainerFromSettings({
    storage,
    apiKey: runpodApiKey,
    baseUrl: runpodBaseUrl,
    inProcessSandbox: sandbox,
    onEvent: choice.onEvent,
  });
  return {
    ...chosen,
    ...(sandbox && { sandboxInfo: { created: () => sandbox.created.length, live: () => sandbox.livePods().length } }),
  };
}
