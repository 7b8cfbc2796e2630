import * as prompts from '@clack/prompts';
import type { CliContext } from './cli-context.js';
import { trainAndRecord, trainingProgressPrinter } from './commands/train.js';
import type { CliStudio } from './studio-factory.js';
import type { CliTrainer } from './trainer-factory.js';

/**
 * The menu's "Train a LoRA" screen for a model: builds the next dataset version from the captioned results (asking
 * whether unreviewed captions may go in), then trains a LoRA on it with the configured trainer (RunPod, or its sandbox
 * with `--sandbox`) and the engine the user picks (SimpleTuner or ai-toolkit), with progress, and says where the LoRA is. The same library calls as `studio dataset build` and
 * `studio train start`; `studio train attach` picks up a training the menu was stopped during.
 */
export async function trainMenu(
  context: CliContext,
  cli: CliStudio,
  model: string,
  trainer: CliTrainer | undefined,
): Promise<void> {
  if (!trainer) {
    prompts.log.warn(
      'No trainer is configured: set RUNPOD_API_KEY to train on RunPod, or start the menu with `studio --sandbox` to train on the RunPod sandbox (nothing is paid).',
    );
    return;
  }
  const captions = await cli.studio.captions(model);
  if (captions.length === 0) {
    prompts.log.warn('No captions yet: open Captions and generate them first.');
    return;
  }
  const unreviewed = captions.filter((caption) => caption.state === 'generated').length;
  let allowUnreviewed = false;
  if (unreviewed > 0) {
    const answer = await prompts.confirm({
      message: `${unreviewed} caption(s) are not reviewed yet. Put them in the dataset as they are?`,
      initialValue: false,
    });
    if (prompts.isCancel(answer)) return;
    allowUnreviewed = answer;
  }
  try {
    const lora = await import('@model-studio/lora-trainer');
    const versions = await lora.listLoraVersions(cli.workspace.storage, model);
    const version = `v${versions.length + 1}`;
    const dataset = await cli.studio.buildDataset(model, { version, allowUnreviewed, signal: context.signal });
    prompts.log.info(
      `Dataset ${version}: ${dataset.selected.length} image(s) selected, ${dataset.rejected.length} left out.`,
    );
    const estimate = await trainer.estimateUsd();
    const go = await prompts.confirm({
      message: `Train a LoRA on ${trainer.label}? Up to $${estimate.toFixed(2)} is reserved until the pod ends.`,
    });
    if (prompts.isCancel(go) || !go) return;
    const engine = await prompts.select({
      message: 'Which training engine?',
      options: [
        { value: 'simpletuner' as const, label: 'SimpleTuner', hint: 'default; rank 16 on attention, ~52 MB' },
        {
          value: 'ai-toolkit' as const,
          label: 'ai-toolkit',
          hint: "ostris' trainer, the prototype's working path; rank 8 on every linear layer, ~86 MB",
        },
      ],
      initialValue: 'simpletuner' as const,
    });
    if (prompts.isCancel(engine)) return;
    const config = await cli.workspace.getModel(model);
    const family = 'flux' as const;
    // ai-toolkit's FLUX LoRA adapts every linear layer: rank 16 would be ~172 MB, over the 100 MB limit.
    const trainingConfig = lora.buildTrainingConfig({
      engine,
      family,
      trigger: config.settings.triggerWord,
      classWord: config.settings.classWord,
      ...(engine === 'ai-toolkit' && { rank: 8 }),
    });
    const result = await trainAndRecord(
      context,
      cli.studio,
      cli.workspace.storage,
      trainer,
      model,
      { dataset: version, version, family, engine, config: trainingConfig },
      trainingProgressPrinter(context),
    );
    prompts.log.success(
      `LoRA ${version}${result.sandbox ? ' (SANDBOX file)' : ''}: ${cli.root}/${result.loraKey} (${result.loraBytes} bytes)`,
    );
  } catch (error) {
    prompts.log.error(context.out.scrub((error as Error).message));
  }
}
