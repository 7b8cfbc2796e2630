import { join, resolve } from 'node:path';
import type {
  Captioner,
  DatasetBuilder,
  Enhancer,
  FaceDetector,
  FaceSwapper,
  ImageScorer,
  Storage,
  Studio,
  Trainer,
  Workspace,
} from '@model-studio/core';
import { isLoopbackUrl } from '@model-studio/core';
import { createCliCaptioner } from './captioner-factory.js';
import type { CliContext } from './cli-context.js';
import { type LazyQuality, lazyQuality } from './lazy-quality.js';
import type { S3Settings } from './settings.js';
import { UsageError } from './usage-error.js';

/** Which MaxStudio the command talks to. */
export type ProviderMode =
  /** No provider: the command never pays (imports, estimates). */
  | 'none'
  /** An in-process sandbox (`studio demo`, `--sandbox`). */
  | 'in-process-sandbox'
  /** Whatever the settings say: a loopback `MAXSTUDIO_BASE_URL` is a sandbox, else the real API with `MAXSTUDIO_API_KEY`. */
  | 'configured';

/** What {@link openCliWorkspace} returns: the workspace and how to close what was opened for it. */
export interface CliWorkspace {
  workspace: Workspace;
  /** Absolute path of the local workspace folder. */
  root: string;
  /** `s3://bucket/prefix` when the workspace or its result copies live in S3. */
  s3Location?: string;
  /** True when the workspace's primary storage is S3 (real API with S3 configured). */
  s3Primary: boolean;
  /** The storages opened (primary first). */
  storages: Storage[];
  close(): Promise<void>;
}

/** What {@link openCliStudio} returns. */
export interface CliStudio extends CliWorkspace {
  studio: Studio;
  /** A description of the provider for screens, e.g. `MaxStudio sandbox (in-process, http://127.0.0.1:41234)`. */
  providerLabel: string;
  /** True when results come from a sandbox: every screen says SANDBOX. */
  sandbox: boolean;
  /** True when that sandbox runs in this process (`--sandbox`, `studio demo`): continuing needs `--sandbox` again. */
  inProcessSandbox: boolean;
  /** Copies results go to (S3 or the local folder), for the summary. */
  uploadTarget?: string;
}

/** Where the in-process sandbox keeps its jobs and billing: `<workspace>/.sandbox/maxstudio-state.jsonl`. */
export function sandboxStateFile(workspaceRoot: string): string {
  return join(workspaceRoot, '.sandbox', 'maxstudio-state.jsonl');
}

function s3Location(s3: S3Settings): string {
  return `s3://${s3.bucket}${s3.prefix ? `/${s3.prefix.replace(/^\/+|\/+$/g, '')}` : ''}`;
}

/** True when the real MaxStudio API is configured: a key and no loopback base URL. */
export function usesRealApi(context: CliContext): boolean {
  const { settings } = context;
  return (
    !context.options.sandbox &&
    settings.maxStudioApiKey !== undefined &&
    (settings.maxStudioBaseUrl === undefined || !isLoopbackUrl(settings.maxStudioBaseUrl))
  );
}

/**
 * The workspace's S3 storage from the `S3_*` settings, through `@model-studio/storage-s3`'s `s3StorageOptionsFromEnv`
 * (undefined without a bucket; a `ValidationError` naming the variable for half-set settings).
 */
async function createS3Storage(s3Env: Record<string, string>): Promise<Storage | undefined> {
  // The AWS SDK's notice about its future Node.js support is for developers, not for people running the CLI.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { S3Storage, s3StorageOptionsFromEnv } = await import('@model-studio/storage-s3');
  const options = s3StorageOptionsFromEnv(s3Env);
  return options && new S3Storage(options);
}

async function closeStorage(storage: Storage): Promise<void> {
  const closable = storage as Storage & { close?: () => Promise<void> | void };
  await closable.close?.();
}

/**
 * Opens the workspace at `--workspace`. Its storage is a LocalStorage at that folder (with loopback signed URLs, so
 * a sandbox can fetch files), except when the real MaxStudio API and S3 are both configured: then models, photos and
 * results live in the S3 bucket (the API fetches them by URL) and journals and ledgers stay in the local folder.
 */
export async function openCliWorkspace(
  context: CliContext,
  options: { forceLocal?: boolean; signedUrls?: { port: number; secret: string } } = {},
): Promise<CliWorkspace> {
  const core = await import('@model-studio/core');
  const root = resolve(context.options.workspace);
  // A fixed port and secret (training on a loopback RunPod sandbox) keep a pod's URLs valid across restarts.
  const local = new core.LocalStorage({ root, signedUrls: options.signedUrls ?? {} });
  const s3Settings = context.settings.s3;
  const s3 = context.settings.s3Env ? await createS3Storage(context.settings.s3Env) : undefined;
  const s3Primary = s3 !== undefined && usesRealApi(context) && !options.forceLocal;
  const storage = s3Primary ? s3 : local;
  const mirrors = s3 && !s3Primary ? [s3] : [];
  const workspace = await core.openWorkspace({ root, storage, mirrors });
  const storages = s3 ? (s3Primary ? [s3, local] : [local, s3]) : [local];
  const result: CliWorkspace = {
    workspace,
    root,
    s3Primary,
    storages,
    async close() {
      await workspace.close();
      for (const opened of storages) await closeStorage(opened);
    },
  };
  if (s3 && s3Settings) result.s3Location = s3Location(s3Settings);
  return result;
}

interface ProviderParts {
  detector?: FaceDetector;
  swapper?: FaceSwapper;
  enhancer?: Enhancer;
  label: string;
  sandbox: boolean;
  inProcessSandbox?: boolean;
  close(): Promise<void>;
}

const noKeyHelp =
  'No MaxStudio API key is configured. Set MAXSTUDIO_API_KEY (in the environment or a .env file here) to use the ' +
  'real API, pass --sandbox to run against an in-process sandbox (outputs are labelled SANDBOX), or try `studio demo`.';

const noS3Help =
  'The real MaxStudio API fetches images by URL from the internet, but without S3 the workspace only has loopback ' +
  'URLs. Configure S3 (or R2/MinIO) for the workspace: set S3_BUCKET, S3_REGION and, unless the default AWS ' +
  'credential chain applies, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY (for R2/MinIO also S3_ENDPOINT and ' +
  'S3_FORCE_PATH_STYLE=true). Or pass --sandbox to try the flow without paying.';

async function createProvider(
  context: CliContext,
  mode: ProviderMode,
  workspace: { storage: Storage; root: string; s3Primary: boolean },
  quality: LazyQuality,
): Promise<ProviderParts> {
  const { storage, s3Primary } = workspace;
  // Commands that never pay get no provider: the studio's paying verbs refuse without one.
  if (mode === 'none')
    return { label: 'no provider (this command makes no paid calls)', sandbox: false, async close() {} };
  const maxstudio = await import('@model-studio/maxstudio');
  const { settings } = context;
  const baseUrl = settings.maxStudioBaseUrl;
  if (mode === 'in-process-sandbox' || context.options.sandbox) {
    const testing = await import('@model-studio/maxstudio/testing');
    const sandbox = await testing.startMaxStudioSandbox({
      // Like the real API, the sandbox keeps its jobs and billing across restarts: a resume after Ctrl-C reattaches
      // the jobs it recorded instead of paying again. The file says it holds sandbox credits only.
      stateFile: sandboxStateFile(workspace.root),
      faceDetector: quality.checker,
      jobDurations: { swap: { pendingMs: 50, runningMs: 250 }, enhance: { pendingMs: 50, runningMs: 350 } },
    });
    const client = maxstudio.createMaxStudio({ apiKey: sandbox.apiKey, baseURL: sandbox.url });
    const provider = maxstudio.createMaxStudioProvider({ storage, client, allowLoopbackUrls: true });
    return {
      ...provider,
      label: `MaxStudio sandbox (in-process at ${sandbox.url}; no real credits are spent)`,
      sandbox: true,
      inProcessSandbox: true,
      close: () => sandbox.close(),
    };
  }
  if (baseUrl !== undefined && isLoopbackUrl(baseUrl)) {
    const client = maxstudio.createMaxStudio({ apiKey: settings.maxStudioApiKey ?? 'sandbox-key', baseURL: baseUrl });
    const provider = maxstudio.createMaxStudioProvider({ storage, client, allowLoopbackUrls: true });
    return {
      ...provider,
      label: `MaxStudio sandbox at ${baseUrl} (loopback; no real credits are spent)`,
      sandbox: true,
      async close() {},
    };
  }
  if (settings.maxStudioApiKey === undefined) throw new UsageError(noKeyHelp);
  if (!s3Primary) throw new UsageError(noS3Help);
  if (!storage.publicUrls) {
    throw new UsageError(
      `The real MaxStudio API fetches images by URL from the internet, but S3_ENDPOINT (${settings.s3?.endpoint}) is a ` +
        'server the internet cannot reach. Use a bucket with public URLs (AWS S3, R2, a public MinIO), or pass --sandbox.',
    );
  }
  const clientSettings: Parameters<typeof maxstudio.createMaxStudio>[0] = { apiKey: settings.maxStudioApiKey };
  if (baseUrl) clientSettings.baseURL = baseUrl;
  const client = maxstudio.createMaxStudio(clientSettings);
  const provider = maxstudio.createMaxStudioProvider({ storage, client });
  return {
    ...provider,
    label: `MaxStudio API (${baseUrl ?? maxstudio.defaultMaxStudioBaseURL})`,
    sandbox: false,
    async close() {},
  };
}

/** `@model-studio/quality`'s offline training score (metric `offline-quality`), loaded on the first image scored. */
function lazyImageScorer(quality: LazyQuality): ImageScorer {
  let scorer: Promise<ImageScorer> | undefined;
  return {
    specificationVersion: 'v1',
    provider: 'quality',
    metric: 'offline-quality',
    async score(request, options) {
      scorer ??= import('@model-studio/quality').then((q) => q.createOfflineImageScorer({ checker: quality.checker }));
      return (await scorer).score(request, options);
    },
  };
}

/**
 * Wires the studio for a command: the workspace ({@link openCliWorkspace}), the quality package's face checker and
 * image processor, the MaxStudio provider chosen by `mode` and the settings, result copies (S3 when configured; the
 * local folder when S3 is the primary storage), and `createStudio`. Heavy packages are imported here, only when a
 * command needs them. `close()` closes everything opened, sandbox included.
 */
export async function openCliStudio(
  context: CliContext,
  mode: ProviderMode,
  extras: {
    captioner?: Captioner;
    imageScorer?: ImageScorer;
    datasetBuilder?: DatasetBuilder;
    /** Makes the trainer over the workspace's storage (`studio train`, the demo); closed with the studio. */
    trainer?: (workspace: CliWorkspace) => Promise<{ trainer: Trainer; close(): Promise<void> }>;
    /** Fixed signed-URL port and secret for the workspace's LocalStorage (see `stableSignedUrls`). */
    signedUrls?: { port: number; secret: string };
  } = {},
): Promise<CliStudio> {
  const opened: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of opened.reverse()) await close().catch(() => {});
  };
  try {
    const cliWorkspace = await openCliWorkspace(context, {
      forceLocal: mode === 'in-process-sandbox',
      ...(extras.signedUrls && { signedUrls: extras.signedUrls }),
    });
    opened.push(() => cliWorkspace.close());
    const trainerParts = extras.trainer ? await extras.trainer(cliWorkspace) : undefined;
    if (trainerParts) opened.push(() => trainerParts.close());
    const quality = lazyQuality();
    opened.push(() => quality.close());
    const provider = await createProvider(
      context,
      mode,
      { storage: cliWorkspace.workspace.storage, root: cliWorkspace.root, s3Primary: cliWorkspace.s3Primary },
      quality,
    );
    opened.push(() => provider.close());
    const core = await import('@model-studio/core');
    const resultStores = cliWorkspace.storages.slice(1);
    // The configured captioner (offline without one), for runs and resumes that caption (`captions.inRun`).
    const captioner =
      extras.captioner ?? (await createCliCaptioner(context.settings.captioner).catch(() => undefined))?.captioner;
    const settings: Parameters<typeof core.createStudio>[0] = {
      workspace: cliWorkspace.workspace,
      faceDetector: quality.checker,
      ...(provider.swapper && { swapper: provider.swapper }),
      ...(provider.enhancer && { enhancer: provider.enhancer }),
      faceChecker: quality.checker,
      imageProcessor: quality.processor,
      resultStores,
      // Training scores are stored with captions (the dataset keeps images above the model's minTrainingScore).
      imageScorer: extras.imageScorer ?? lazyImageScorer(quality),
      ...(captioner && { captioner }),
      ...(extras.datasetBuilder && { datasetBuilder: extras.datasetBuilder }),
      ...(trainerParts && { trainer: trainerParts.trainer }),
      logger: { warn: (message) => context.out.warn(message), error: (message) => context.out.error(message) },
    };
    if (context.options.concurrency !== undefined) settings.concurrency = context.options.concurrency;
    if (context.options.budget !== undefined) settings.budget = { limit: context.options.budget, unit: 'credits' };
    const studio = core.createStudio(settings);
    opened.push(() => studio.close());
    if (provider.sandbox) context.out.sandboxBanner(provider.label);
    const result: CliStudio = {
      ...cliWorkspace,
      studio,
      providerLabel: provider.label,
      sandbox: provider.sandbox,
      inProcessSandbox: provider.inProcessSandbox === true,
      close: closeAll,
    };
    if (resultStores.length > 0) {
      result.uploadTarget = cliWorkspace.s3Primary ? `the local folder ${cliWorkspace.root}` : cliWorkspace.s3Location;
    }
    return result;
  } catch (error) {
    await closeAll();
    throw error;
  }
}
