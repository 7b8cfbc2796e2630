import { ValidationError } from '../errors/index.js';
import type { RunConfig } from '../workspace/index.js';
import { captionStage } from './caption-stage.js';
import { phaseOneStages } from './phase-one-stages.js';
import type { PaidStage } from './stage.js';
import type { StudioContext } from './studio-context.js';
import type { Plan } from './studio-types.js';

/** Every stage a unit can pass through, in pipeline order. */
export const allStages: readonly PaidStage[] = [...phaseOneStages, captionStage];

/** The names of the stages a plan may ask for (`swap`, `enhance`, `caption`). */
export type PlanStageName = 'swap' | 'enhance' | 'caption';

/**
 * The stages a plan's units pass through, in pipeline order: the plan's own list when it has one (`studio.caption`
 * plans only `caption`), else the studio's stages, with `caption` after them when the model's config asks for
 * captions in runs (`captions.inRun`).
 */
export function stagesOfPlan(context: StudioContext, plan: Plan, config: RunConfig): readonly PaidStage[] {
  if (plan.stages) {
    const unknown = plan.stages.filter((name) => !allStages.some((stage) => stage.name === name));
    if (unknown.length > 0 || plan.stages.length === 0) {
      throw new ValidationError(
        `A plan's stages are some of ${allStages.map((stage) => `"${stage.name}"`).join(', ')}; got ${JSON.stringify(plan.stages)}.`,
        { field: 'stages', value: plan.stages },
      );
    }
    return allStages.filter((stage) => plan.stages!.includes(stage.name as PlanStageName));
  }
  const withCaptions = config.settings.captions.inRun && !context.stages.includes(captionStage);
  return withCaptions ? [...context.stages, captionStage] : context.stages;
}

/** The context a plan runs in: the studio's, with the plan's stages. */
export function contextOfPlan(context: StudioContext, plan: Plan, config: RunConfig): StudioContext {
  const stages = stagesOfPlan(context, plan, config);
  return stages === context.stages ? context : { ...context, stages };
}
