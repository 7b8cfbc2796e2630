import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ConsentRecord,
  createStudio,
  LocalStorage,
  openWorkspace,
  type Studio,
  type Workspace,
} from '@model-studio/core';
import { createMaxStudio, createMaxStudioProvider, type MaxStudioSettings } from '@model-studio/maxstudio';
import {
  type MaxStudioSandbox,
  type MaxStudioSandboxOptions,
  startMaxStudioSandbox,
} from '@model-studio/maxstudio/testing';
import { createImageProcessor, createQualityChecker, type QualityChecker } from '@model-studio/quality';
import { repoRoot } from './repo.js';

/** The CLI's bundled public-domain samples (see examples/cli/samples/README.md). */
export const samplesDir = join(repoRoot, 'examples', 'cli', 'samples');

let sharedChecker: QualityChecker | undefined;
/** One quality checker for the whole test file: its models load once. */
export function qualityChecker(): QualityChecker {
  sharedChecker ??= createQualityChecker({ workers: 1 });
  return sharedChecker;
}
export async function closeQualityChecker(): Promise<void> {
  await sharedChecker?.close();
  sharedChecker = undefined;
}

/** A consent record covering sfw swaps, for tests. */
export function sfwConsent(): ConsentRecord {
  return {
    subject: 'Grace Hopper (public-domain test portrait)',
    adultAttested: true,
    attestedBy: 'e2e test',
    allowedRatings: ['sfw'],
    allowedUses: ['swap'],
    obtainedAt: '2026-11-25T00:00:00.000Z',
    evidenceRef: 'test fixture: public-domain US Navy photo',
  } as ConsentRecord;
}

/** A workspace, the MaxStudio sandbox (in process, with the quality detector) and a studio over them. */
export interface PipelineRig {
  root: string;
  storage: LocalStorage;
  workspace: Workspace;
  sandbox: MaxStudioSandbox;
  studio: Studio;
  close(): Promise<void>;
}

export async function createPipelineRig(
  options: { sandbox?: Partial<MaxStudioSandboxOptions>; baseURL?: string; client?: Partial<MaxStudioSettings> } = {},
): Promise<PipelineRig> {
  const root = await mkdtemp(join(tmpdir(), 'studio-e2e-'));
  const storage = new LocalStorage({ root, signedUrls: {} });
  const workspace = await openWorkspace({ root, storage });
  const checker = qualityChecker();
  const sandbox = await startMaxStudioSandbox({
    faceDetector: checker,
    jobDurations: { swap: { pendingMs: 20, runningMs: 60 }, enhance: { pendingMs: 20, runningMs: 60 } },
    ...options.sandbox,
  });
  const client = createMaxStudio({ baseURL: options.baseURL ?? sandbox.url, apiKey: 'sandbox-key', pollInterval: 25 });
  const { swapper, enhancer } = createMaxStudioProvider({ storage, client });
  const studio = createStudio({
    workspace,
    swapper,
    enhancer,
    faceChecker: checker,
    imageProcessor: createImageProcessor(),
  });
  return {
    root,
    storage,
    workspace,
    sandbox,
    studio,
    async close() {
      await studio.close();
      await sandbox.close();
      await storage.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** A studio over a workspace and a MaxStudio client (a second one stands for another process's studio). */
export function studioOver(
  workspace: Workspace,
  storage: LocalStorage,
  client: ReturnType<typeof createMaxStudio>,
): Studio {
  const { swapper, enhancer } = createMaxStudioProvider({ storage, client });
  return createStudio({
    workspace,
    swapper,
    enhancer,
    faceChecker: qualityChecker(),
    imageProcessor: createImageProcessor(),
  });
}

/** Creates a model with consent and imports the bundled source and sfw targets. */
export async function prepareModel(
  rig: PipelineRig,
  model: string,
  settings: { identityThreshold?: number; consent?: ConsentRecord } = {},
) {
  await rig.workspace.createModel(model, {
    thresholds: {
      minShortSide: 512,
      ...(settings.identityThreshold === undefined ? {} : { identityThreshold: settings.identityThreshold }),
    },
  });
  await rig.workspace.setConsent(model, settings.consent ?? sfwConsent());
  const sources = await rig.studio.importSources(model, [
    { name: 'grace_hopper.jpg', bytes: await readFile(join(samplesDir, 'grace_hopper.jpg')) },
  ]);
  const targetNames = ['astronaut.png', 'grace_hopper_tilt25.jpg', 'coffee.jpg'];
  const targets = await rig.studio.importTargets(
    model,
    'sfw',
    await Promise.all(
      targetNames.map(async (name) => ({ name, bytes: await readFile(join(samplesDir, 'targets', name)) })),
    ),
    { origin: 'examples/cli/samples/targets', rightsStatement: 'public domain / CC0 test images' },
  );
  return { sources, targets };
}

/**
 * A `rig()` factory for one test file: every rig it makes, and the shared quality checker, are closed after the
 * file's tests (pass vitest's `afterAll`).
 */
export function rigsFor(
  afterAll: (fn: () => Promise<void>) => void,
): (options?: Parameters<typeof createPipelineRig>[0]) => Promise<PipelineRig> {
  const rigs: PipelineRig[] = [];
  afterAll(async () => {
    await Promise.all(rigs.map((r) => r.close()));
    await closeQualityChecker();
  });
  return async (options) => {
    const created = await createPipelineRig(options);
    rigs.push(created);
    return created;
  };
}
