import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Captioner, FaceChecker, FaceDetector, ImageProcessor, ImageScorer, Storage } from '@model-studio/core';
import { isLoopbackUrl, LocalStorage, openWorkspace } from '@model-studio/core';
import type { FastifyBaseLogger } from 'fastify';
import type { ServerConfig } from './server-config.js';
import type { ServerStudio } from './server-context.js';
import { createServerTrainer, type ServerTrainer } from './trainer-wiring.js';

/** Per-process wiring shared by every studio the server opens. */
export interface StudioWiring {
  /** The workspace's primary storage (accounts live there too). */
  storage: Storage;
  /** The face-swap provider, decided from the config. */
  provider: { sandbox: boolean; label: string };
  openStudio(): Promise<ServerStudio>;
  /** Closes the sandbox, the quality workers and the storages. */
  close(): Promise<void>;
}

type ProviderKind = { kind: 'in-process' } | { kind: 'loopback'; baseUrl: string } | { kind: 'real' };

/** Which MaxStudio the config points to (like the CLI: no key means the in-process sandbox). */
export function providerKind(config: ServerConfig): ProviderKind {
  if (config.maxStudioBaseUrl !== undefined && isLoopbackUrl(config.maxStudioBaseUrl)) {
    return { kind: 'loopback', baseUrl: config.maxStudioBaseUrl };
  }
  if (config.maxStudioApiKey !== undefined) return { kind: 'real' };
  return { kind: 'in-process' };
}

/** The signed-URL secret of the workspace's LocalStorage, kept (mode 0600) so links survive restarts. */
async function signedUrlSecret(root: string): Promise<string> {
  const file = join(root, '.server', 'signed-url-secret');
  const saved = await readFile(file, 'utf8').catch(() => undefined);
  if (saved && saved.trim().length >= 32) return saved.trim();
  const secret = randomBytes(32).toString('hex');
  await mkdir(join(root, '.server'), { recursive: true });
  await writeFile(file, secret, { mode: 0o600 });
  await chmod(file, 0o600);
  return secret;
}

/**
 * The S3 storage from the `S3_*` variables, through `@model-studio/storage-s3`'s `s3StorageOptionsFromEnv`: undefined
 * without a bucket; half-set settings stop the server's start with its `ValidationError` (which names the variable).
 */
async function createS3Storage(config: ServerConfig): Promise<Storage | undefined> {
  if (!config.s3) return undefined;
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { S3Storage, s3StorageOptionsFromEnv } = await import('@model-studio/storage-s3');
  const options = s3StorageOptionsFromEnv(config.s3);
  return options && new S3Storage(options);
}

interface Quality {
  checker: FaceChecker & FaceDetector;
  processor: ImageProcessor;
  scorer: ImageScorer;
  close(): Promise<void>;
}

async function loadQuality(): Promise<Quality> {
  const quality = await import('@model-studio/quality');
  const checker = quality.createQualityChecker();
  const processor = quality.createImageProcessor();
  return {
    checker,
    processor,
    scorer: quality.createOfflineImageScorer({ checker }),
    async close() {
      for (const part of [checker, processor] as { close?: () => Promise<void> | void }[]) await part.close?.();
    },
  };
}

interface SwapParts {
  swapper: import('@model-studio/core').FaceSwapper;
  enhancer: import('@model-studio/core').Enhancer;
  /** The sandbox's credits left (the real API documents no balance endpoint: undefined there). */
  credits?: () => Promise<number>;
  close(): Promise<void>;
}

/** The balance a loopback MaxStudio sandbox reports on its admin route (`GET /__sandbox/billing`). */
async function loopbackSandboxCredits(baseUrl: string): Promise<number> {
  const response = await fetch(new URL('/__sandbox/billing', baseUrl), { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`the MaxStudio sandbox at ${baseUrl} answered ${response.status} for its billing`);
  const billing = (await response.json()) as { balance?: unknown };
  if (typeof billing.balance !== 'number') throw new Error(`the MaxStudio sandbox at ${baseUrl} reported no balance`);
  return billing.balance;
}

async function createSwapParts(
  config: ServerConfig,
  kind: ProviderKind,
  storage: Storage,
  quality: Quality,
): Promise<SwapParts & { label: string }> {
  const maxstudio = await import('@model-studio/maxstudio');
  if (kind.kind === 'in-process') {
    const testing = await import('@model-studio/maxstudio/testing');
    const sandbox = await testing.startMaxStudioSandbox({
      stateFile: join(config.workspace, '.sandbox', 'maxstudio-state.jsonl'),
      faceDetector: quality.checker,
      jobDurations: { swap: { pendingMs: 50, runningMs: 250 }, enhance: { pendingMs: 50, runningMs: 350 } },
    });
    const client = maxstudio.createMaxStudio({ apiKey: sandbox.apiKey, baseURL: sandbox.url });
    const provider = maxstudio.createMaxStudioProvider({ storage, client, allowLoopbackUrls: true });
    return {
      swapper: provider.swapper,
      enhancer: provider.enhancer,
      label: `MaxStudio sandbox (in-process at ${sandbox.url}; no real credits are spent)`,
      credits: async () => sandbox.billing().balance,
      close: () => sandbox.close(),
    };
  }
  if (kind.kind === 'loopback') {
    const client = maxstudio.createMaxStudio({
      apiKey: config.maxStudioApiKey ?? 'sandbox-key',
      baseURL: kind.baseUrl,
    });
    const provider = maxstudio.createMaxStudioProvider({ storage, client, allowLoopbackUrls: true });
    const label = `MaxStudio sandbox at ${kind.baseUrl} (loopback; no real credits are spent)`;
    const credits = () => loopbackSandboxCredits(kind.baseUrl);
    return { swapper: provider.swapper, enhancer: provider.enhancer, label, credits, async close() {} };
  }
  if (!storage.publicUrls) {
    throw new Error(
      'The real MaxStudio API fetches images by URL from the internet: configure S3 (S3_BUCKET, S3_REGION, ...) with ' +
        'public URLs for the workspace, or unset MAXSTUDIO_API_KEY to use the sandbox.',
    );
  }
  const settings: Parameters<typeof maxstudio.createMaxStudio>[0] = { apiKey: config.maxStudioApiKey as string };
  if (config.maxStudioBaseUrl) settings.baseURL = config.maxStudioBaseUrl;
  const provider = maxstudio.createMaxStudioProvider({ storage, client: maxstudio.createMaxStudio(settings) });
  const label = `MaxStudio API (${config.maxStudioBaseUrl ?? maxstudio.defaultMaxStudioBaseURL})`;
  return { swapper: provider.swapper, enhancer: provider.enhancer, label, async close() {} };
}

/** The label before anything is started (the in-process sandbox's URL is known once it runs). */
function providerLabel(config: ServerConfig, kind: ProviderKind): string {
  if (kind.kind === 'in-process') return 'MaxStudio sandbox (in-process; no real credits are spent)';
  if (kind.kind === 'loopback') return `MaxStudio sandbox at ${kind.baseUrl} (loopback; no real credits are spent)`;
  return `MaxStudio API (${config.maxStudioBaseUrl ?? 'default base URL'})`;
}

/**
 * Wires studios like the CLI's `openCliStudio`, from the server's config: the workspace's LocalStorage (signed URLs on
 * loopback) or S3 when the real API and S3 are configured (S3 is a result copy otherwise), the quality package's face
 * checker, image processor and training scorer, MaxStudio (the in-process sandbox without a key), the configured
 * captioner, the trainer (RunPod, or its sandbox) and dataset builder, and `createStudio`. The sandbox, the quality workers and the storages are started once per process and
 * shared; each `openStudio()` opens its own workspace and studio.
 */
export async function createStudioWiring(config: ServerConfig, logger: FastifyBaseLogger): Promise<StudioWiring> {
  const kind = providerKind(config);
  const local = new LocalStorage({
    root: config.workspace,
    signedUrls: {
      port: config.signedUrlPort,
      secret: await signedUrlSecret(config.workspace),
      maxExpiresIn: 7 * 24 * 3600,
      defaultExpiresIn: 900,
    },
  });
  const s3 = await createS3Storage(config);
  const s3Primary = s3 !== undefined && kind.kind === 'real';
  const storage = s3Primary ? s3 : local;
  const mirrors = s3 && !s3Primary ? [s3] : [];
  const resultStores = s3Primary ? [local] : mirrors;
  let quality: Promise<Quality> | undefined;
  let swap: Promise<SwapParts & { label: string }> | undefined;
  let captioner: Promise<Captioner | undefined> | undefined;
  let trainer: Promise<ServerTrainer> | undefined;
  const provider = { sandbox: kind.kind !== 'real', label: providerLabel(config, kind) };
  return {
    storage,
    provider,
    async openStudio() {
      quality ??= loadQuality();
      const parts = await quality;
      swap ??= createSwapParts(config, kind, storage, parts);
      const swapParts = await swap;
      provider.label = swapParts.label;
      captioner ??= import('./captioner-wiring.js').then((m) => m.createServerCaptioner(config.captioner));
      const core = await import('@model-studio/core');
      const workspace = await openWorkspace({ root: config.workspace, storage, mirrors });
      const chosenCaptioner = await captioner.catch(() => undefined);
      trainer ??= createServerTrainer(config, storage);
      const serverTrainer = await trainer;
      const lora = await import('@model-studio/lora-trainer');
      const settings: Parameters<typeof core.createStudio>[0] = {
        workspace,
        faceDetector: parts.checker,
        swapper: swapParts.swapper,
        enhancer: swapParts.enhancer,
        faceChecker: parts.checker,
        imageProcessor: parts.processor,
        resultStores,
        imageScorer: parts.scorer,
        ...(chosenCaptioner && { captioner: chosenCaptioner }),
        trainer: serverTrainer.trainer,
        datasetBuilder: lora.createDatasetBuilder(),
        logger: {
          warn: (message, data) => logger.warn(data ?? {}, message),
          error: (message, data) => logger.error(data ?? {}, message),
        },
      };
      if (config.concurrency !== undefined) settings.concurrency = config.concurrency;
      if (config.budget !== undefined) settings.budget = { limit: config.budget, unit: 'credits' };
      const studio = core.createStudio(settings);
      return {
        studio,
        workspace,
        sandbox: provider.sandbox,
        providerLabel: provider.label,
        trainerEstimateUsd: () => serverTrainer.estimateUsd(),
        ...(swapParts.credits && { providerCredits: swapParts.credits }),
        imageProcessor: parts.processor,
        faceChecker: parts.checker,
        async close() {
          await studio.close().catch(() => {});
          await workspace.close().catch(() => {});
        },
      };
    },
    async close() {
      const parts = [trainer, swap, quality];
      for (const part of parts) await (await part?.catch(() => undefined))?.close();
      for (const opened of [local, s3] as ({ close?: () => Promise<void> | void } | undefined)[])
        await opened?.close?.();
    },
  };
}
