import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStorage, openWorkspace, type StudioSettings, type Workspace } from '@model-studio/core';
import {
  createMockEnhancer,
  createMockFaceChecker,
  createMockImageProcessor,
  createMockProviderAccount,
  createMockSwapper,
  type MockProviderAccount,
  mockImage,
} from '@model-studio/core/testing';
import { phaseOneStages } from '../../src/orchestrator/phase-one-stages.js';
import { RecordStore } from '../../src/orchestrator/record-store.js';
import type { StudioContext } from '../../src/orchestrator/studio-context.js';

/** A verb's context without a Studio: a workspace on a temp dir, the mock adapters, Phase 1's stages. */
export interface VerbRig {
  root: string;
  storage: LocalStorage;
  workspace: Workspace;
  account: MockProviderAccount;
  /** A context with every adapter (or only `adapters`, when given). */
  context(adapters?: Partial<StudioSettings>): StudioContext;
  /** A model `name` with sfw consent, `sources` photos of `name` and `targets` targets (provenance recorded). */
  model(name: string, sources?: number, targets?: number): Promise<void>;
  dispose(): Promise<void>;
}

/** A mock photo of `identity` big enough for the default thresholds; `n` makes photos of one person differ. */
export const photo = (identity: string, n = 0) =>
  mockImage({ width: 1200 + 97 * n, height: 1600 + 13 * n, faces: [{ identity }], label: `${identity} photo ${n}` });

export async function verbRig(): Promise<VerbRig> {
  const root = await mkdtemp(join(tmpdir(), 'core-verbs-'));
  const storage = new LocalStorage({ root });
  const workspace = await openWorkspace({ root, storage });
  const account = createMockProviderAccount();
  const contexts: StudioContext[] = [];
  const all: Partial<StudioSettings> = {
    swapper: createMockSwapper({ storage, account }),
    enhancer: createMockEnhancer({ storage, account }),
    faceChecker: createMockFaceChecker(),
    imageProcessor: createMockImageProcessor(),
  };
  const rig: VerbRig = {
    root,
    storage,
    workspace,
    account,
    context(adapters = all) {
      const settings: StudioSettings = { workspace, ...adapters };
      const context: StudioContext = {
        settings,
        workspace,
        storage,
        records: new RecordStore(workspace, settings.recoveryDir ? { recoveryDir: settings.recoveryDir } : {}),
        stages: phaseOneStages,
        runs: new Map(),
        runConfigs: new Map(),
      };
      contexts.push(context);
      return context;
    },
    async model(name, sources = 1, targets = 2) {
      await workspace.createModel(name);
      await workspace.setConsent(name, {
        subject: `${name} (test subject)`,
        adultAttested: true,
        attestedBy: 'verb tests',
        allowedRatings: ['sfw'],
        allowedUses: ['swap'],
        obtainedAt: new Date().toISOString(),
        evidenceRef: `consent/${name}.pdf`,
      });
      const { importSources, importTargets } = await import('../../src/orchestrator/verbs/import-photos.js');
      const context = rig.context();
      const inputs = (n: number, identity: string) =>
        Array.from({ length: n }, (_, i) => ({ name: `${identity}-${i + 1}.jpg`, bytes: photo(identity, i) }));
      await importSources(context, name, inputs(sources, name));
      const provenance = { origin: 'tests', rightsStatement: 'Made for these tests.' };
      await importTargets(context, name, 'sfw', inputs(targets, 'stand-in'), provenance);
    },
    async dispose() {
      for (const context of contexts) await context.records.close();
      await workspace.close();
      await storage.close();
      await rm(root, { recursive: true, force: true });
    },
  };
  return rig;
}
