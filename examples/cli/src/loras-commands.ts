import { type Command, InvalidArgumentError, Option } from 'commander';
import type { Execute } from './caption-commands.js';

function stepNumber(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed)) {
    throw new InvalidArgumentError('expected a training step (a whole number).');
  }
  return parsed;
}

/**
 * Registers `studio loras list|show|compare|promote|export`: trained LoRA versions, their checkpoint curves
 * (identity, memorisation, collapse, loss; charts as PNG and SVG) and the choice of the final LoRA, a whole version
 * or one checkpoint (`--best`, `--step <n>`).
 */
export function registerLorasCommands(program: Command, execute: Execute): void {
  const loras = program.command('loras').description('trained LoRA versions: list, show, compare, promote, export');
  const lorasModule = () => import('./commands/loras.js');
  loras
    .command('list <model>')
    .description('LoRA versions, oldest first; * marks the final one')
    .action(async (model: string, _options, command: Command) => {
      await execute(command, lorasModule, (m, c) => m.lorasListCommand(c, model));
    });
  loras
    .command('show <model> <version>')
    .description(
      "a version's file, config, loss and samples; its checkpoints' identity, memorisation and collapse (a chart as PNG and SVG); flags a last checkpoint that collapsed",
    )
    .option('--recompute', 'measure the checkpoints again instead of reading the stored curve')
    .action(async (model: string, version: string, options: { recompute?: boolean }, command: Command) => {
      await execute(command, lorasModule, (m, c) => m.lorasShowCommand(c, model, version, options));
    });
  loras
    .command('compare <model> <a> <b>')
    .description(
      'config differences and artifacts side by side; writes a loss chart, a sample grid (SVG) and both checkpoint curves (PNG and SVG)',
    )
    .option('--recompute', 'measure the checkpoints again instead of reading the stored curves')
    .action(async (model: string, a: string, b: string, options: { recompute?: boolean }, command: Command) => {
      await execute(command, lorasModule, (m, c) => m.lorasCompareCommand(c, model, a, b, options));
    });
  loras
    .command('promote <model> <version>')
    .description(
      'mark a version as the final LoRA; --best: its checkpoint with the highest identity that neither memorises the dataset nor collapsed (thresholds: the model setting training.bestCheckpoint); --step <n>: that checkpoint',
    )
    .addOption(new Option('--best', 'promote the best checkpoint by identity, saying why').conflicts('step'))
    .addOption(new Option('--step <n>', 'promote the checkpoint saved at this step').argParser(stepNumber))
    .option('--recompute', 'measure the checkpoints again instead of reading the stored curve')
    .action(
      async (
        model: string,
        version: string,
        options: { best?: boolean; step?: number; recompute?: boolean },
        command: Command,
      ) => {
        await execute(command, lorasModule, (m, c) => m.lorasPromoteCommand(c, model, version, options));
      },
    );
  loras
    .command('export <model> <version>')
    .description('copy the LoRA to a file (hash checked), or print a short-lived download URL')
    .option('--to <file>', 'write the .safetensors here')
    .action(async (model: string, version: string, options: { to?: string }, command: Command) => {
      await execute(command, lorasModule, (m, c) => m.lorasExportCommand(c, model, version, options));
    });
}
