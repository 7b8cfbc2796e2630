import { type Command, InvalidArgumentError } from 'commander';
import type { Execute } from './caption-commands.js';
import { registerLorasCommands } from './loras-commands.js';

function positiveNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError('expected a positive number.');
  return parsed;
}

/** `--engine`: which program trains. */
function trainingEngine(value: string): 'simpletuner' | 'ai-toolkit' {
  if (value === 'simpletuner' || value === 'ai-toolkit') return value;
  throw new InvalidArgumentError('expected simpletuner or ai-toolkit.');
}

const engineHelp =
  'training engine: simpletuner (default) or ai-toolkit (ostris/ai-toolkit, installed on the pod at a pinned commit; FLUX preset rank 16, 1000 steps, checkpoint and samples every 200)';

function wholeNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('expected a whole number from 1.');
  return parsed;
}

const stopping =
  'Stopping: the pod keeps training and stays recorded in the journal; `studio train attach <model>` picks it up (Ctrl-C again to quit at once)...';

/** Flags of `train preflight`. */
interface PreflightFlags {
  steps?: number;
  rank?: number;
  engine?: 'simpletuner' | 'ai-toolkit';
}

/** `--lora` is the LoRA version (`--version` is the program's). */
function loraOptions<T extends { lora?: string }>(options: T): Omit<T, 'lora'> & { version?: string } {
  const { lora, ...rest } = options;
  return { ...rest, ...(lora && { version: lora }) };
}

/** The trainer flags of `train start` and `train attach`. */
function withTrainer(command: Command): Command {
  return command
    .option('--lora <version>', 'LoRA version to write (default: the dataset version)')
    .option('--local <command>', 'train with a local process (e.g. "python train.py") instead of RunPod')
    .option(
      '--budget-usd <usd>',
      'stop before the pod is created when its most expensive outcome exceeds this',
      positiveNumber,
    )
    .option(
      '--resubmit-uncertain',
      'start again after a start whose answer was lost (RunPod reuses the pod of the same run)',
    );
}

/**
 * Registers `studio dataset build|show`, `studio train start|attach|status` and `studio loras list|show|compare|promote|export`:
 * datasets from captioned, scored results, and LoRA training on RunPod (or its sandbox with `--sandbox`, or a local process with `--local`).
 */
export function registerTrainCommands(program: Command, execute: Execute): void {
  const dataset = program.command('dataset').description('training datasets: build and show them');
  const datasets = () => import('./commands/dataset.js');
  dataset
    .command('build <model> [version]')
    .description(
      'select the captioned, scored enhanced results and write a dataset version (images, captions, manifest, tar)',
    )
    .option('--min-score <score>', "lowest training score (default: the model's minTrainingScore)", positiveNumber)
    .option('--allow-unreviewed', 'accept captions nobody has reviewed yet')
    .option('--family <family>', 'base model family: flux (default), sdxl, sd15')
    .option('--repeats <n>', 'kohya repeats per epoch (default 10)', wholeNumber)
    .action(async (model: string, version: string | undefined, options, command: Command) => {
      await execute(command, datasets, (m, c) =>
        m.datasetBuildCommand(c, model, { ...options, ...(version && { version }) }),
      );
    });
  dataset
    .command('show <model> [version]')
    .description('a dataset version: images selected and left out, with reasons')
    .action(async (model: string, version: string | undefined, _options, command: Command) => {
      await execute(command, datasets, (m, c) => m.datasetShowCommand(c, model, version));
    });
  const train = program
    .command('train')
    .description('train a LoRA: preflight, start, attach after a stop, status, cancel, sweep');
  const trains = () => import('./commands/train.js');
  withTrainer(train.command('start <model>'))
    .description(
      'train a LoRA on a dataset version (reserves the cost first; Ctrl-C leaves the pod for `train attach`)',
    )
    .option('--dataset <version>', 'dataset version (default v1)')
    .option('--engine <engine>', engineHelp, trainingEngine)
    .option('--steps <n>', 'training steps (max_train_steps / train.steps)', wholeNumber)
    .option('--rank <n>', 'LoRA rank (lora_rank / network.linear; ai-toolkit FLUX rank 16 is ~172 MB)', wholeNumber)
    .action(async (model: string, options, command: Command) => {
      await execute(command, trains, (m, c) => m.trainStartCommand(c, model, loraOptions(options)), stopping);
    });
  withTrainer(train.command('attach <model>'))
    .description('reattach the journaled pod of a training after Ctrl-C or a crash, and finish it (never a second pod)')
    .action(async (model: string, options, command: Command) => {
      await execute(command, trains, (m, c) => m.trainAttachCommand(c, model, loraOptions(options)), stopping);
    });
  const admin = () => import('./commands/train-admin.js');
  train
    .command('preflight <model> [dataset]')
    .description('checks before paying: config, images and captions, expected LoRA size (per engine)')
    .option('--engine <engine>', engineHelp, trainingEngine)
    .option('--steps <n>', 'training steps (max_train_steps / train.steps)', wholeNumber)
    .option('--rank <n>', 'LoRA rank (lora_rank / network.linear)', wholeNumber)
    .action(async (model: string, dataset: string | undefined, options: PreflightFlags, command: Command) => {
      await execute(command, admin, (m, c) => m.trainPreflightCommand(c, model, dataset, options));
    });
  withTrainer(train.command('cancel <model>'))
    .description('stop the pod of a training in flight (it stops billing) and record its cost')
    .action(async (model: string, options, command: Command) => {
      await execute(command, admin, (m, c) => m.trainCancelCommand(c, model, loraOptions(options)));
    });
  withTrainer(train.command('sweep <model>'))
    .description('terminate pods of the model whose training is not in flight in the journal (left by a crash)')
    .action(async (model: string, options, command: Command) => {
      await execute(command, admin, (m, c) => m.trainSweepCommand(c, model, loraOptions(options)));
    });
  train
    .command('status <model>')
    .description('datasets and trainings of a model from the journal: done, in flight (with the pod id), failed')
    .action(async (model: string, _options, command: Command) => {
      await execute(command, trains, (m, c) => m.trainStatusCommand(c, model));
    });
  registerLorasCommands(program, execute);
}
