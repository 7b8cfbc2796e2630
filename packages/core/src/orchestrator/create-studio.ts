import { assertReachableUrls } from './assert-reachable-urls.js';
import { phaseOneStages } from './phase-one-stages.js';
import { RecordStore } from './record-store.js';
import type { StudioContext } from './studio-context.js';
import type { Studio, StudioSettings } from './studio-types.js';
import { buildModelDataset } from './verbs/build-dataset.js';
import { captionResults, editCaptions, listCaptions } from './verbs/caption-results.js';
import { downloadLinks } from './verbs/download-links.js';
import { estimatePlan } from './verbs/estimate-plan.js';
import { importSources, importTargets } from './verbs/import-photos.js';
import { importPrototype } from './verbs/import-prototype.js';
import { modelCosts } from './verbs/model-costs.js';
import { modelStatus } from './verbs/model-status.js';
import { planRun } from './verbs/plan-run.js';
import { resumeRun } from './verbs/resume-run.js';
import { revokeModelConsent } from './verbs/revoke-model-consent.js';
import { runPlan } from './verbs/run-plan.js';
import { attachJob, settleUncertain } from './verbs/settle-uncertain.js';
import { shareResults } from './verbs/share-results.js';
import { trainLora } from './verbs/train-lora.js';

/**
 * Creates the pipeline orchestrator over a workspace and the adapters of your choice. Each verb is its own module;
 * this only wires them to one context. The adapters are optional: the verbs that pay nothing (plan, estimate, status,
 * costs) need none, and a verb that needs a missing one throws a `ValidationError` naming it.
 *
 * @example
 * ```ts
 * const studio = createStudio({ workspace, swapper, enhancer, faceChecker, imageProcessor });
 * const plan = await studio.plan('andie', { ratings: ['sfw'] });
 * console.log(await studio.estimate(plan));
 * const summary = await studio.run(plan, { onEvent: (event) => console.log(event.type) });
 * ```
 */
export function createStudio(settings: StudioSettings): Studio {
  assertReachableUrls(settings);
  const { workspace } = settings;
  const context: StudioContext = {
    settings,
    workspace,
    storage: workspace.storage,
    records: new RecordStore(workspace, {
      ...(settings.budget && { budget: settings.budget }),
      ...(settings.recoveryDir && { recoveryDir: settings.recoveryDir }),
    }),
    stages: phaseOneStages,
    runs: new Map(),
    runConfigs: new Map(),
  };
  return {
    importSources: (model, inputs, options) => importSources(context, model, inputs, options),
    importTargets: (model, rating, inputs, provenance, options) =>
      importTargets(context, model, rating, inputs, provenance, options),
    plan: (model, options) => planRun(context, model, options),
    estimate: (plan) => estimatePlan(context, plan),
    run: (plan, options) => runPlan(context, plan, options),
    resume: (model, options) => resumeRun(context, model, options),
    status: (model) => modelStatus(context, model),
    costs: (model, options) => modelCosts(context, model, options),
    attachJob: (model, stageId, jobId) => attachJob(context, model, stageId, jobId),
    settleUncertain: (model, stageId, settlement) => settleUncertain(context, model, stageId, settlement),
    revokeConsent: (model, options) => revokeModelConsent(context, model, options),
    caption: (model, options) => captionResults(context, model, options),
    captions: (model) => listCaptions(context, model),
    editCaptions: (model, edit) => editCaptions(context, model, edit),
    importPrototype: (files, options) => importPrototype(context, files, options),
    share: (model, options) => shareResults(context, model, options),
    downloadLinks: (model, options) => downloadLinks(context, model, options),
    train: (model, options) => trainLora(context, model, options),
    buildDataset: (model, options) => buildModelDataset(context, model, options),
    async close() {
      const active = [...context.runs.values()];
      for (const run of active) run.controller.abort();
      await Promise.all(active.map((run) => run.done));
      await context.records.close();
    },
  };
}
