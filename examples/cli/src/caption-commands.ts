import { type Command, InvalidArgumentError } from 'commander';
import type { CliContext } from './cli-context.js';

/** How program.ts runs a command module (see `execute` there). */
export type Execute = <M>(
  command: Command,
  load: () => Promise<M>,
  call: (module: M, context: CliContext) => Promise<number | undefined> | Promise<void>,
  stopping?: string,
) => Promise<void>;

function commaList(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  ];
}

function tokenLimit(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new InvalidArgumentError('expected a whole number of tokens.');
  return parsed;
}

/** The filter flags of `captions list` and the bulk edits. */
function withFilters(command: Command): Command {
  return command
    .option('--state <states>', 'generated, reviewed, edited (comma-separated)')
    .option('--rating <rating>', 'only this rating')
    .option('--source <source>', 'captioner, person, imported, or a captioner name (e.g. offline)')
    .option('--match <regex>', 'only captions matching this regular expression')
    .option('--over-tokens [n]', 'only captions over the style’s token limit (or over n tokens)', tokenLimit)
    .option('--name <names>', 'only these images (result file names, comma-separated)', commaList);
}

/**
 * Registers `studio captions ...`: generate (resumable, progress bar), list, review (one by one, interactive), edit,
 * replace, prefix, suffix, reviewed (each with --dry-run) and undo.
 */
export function registerCaptionCommands(program: Command, execute: Execute): void {
  const captions = program.command('captions').description('training captions: generate, list, review and edit them');
  const load = () => import('./commands/captions.js');
  const edits = () => import('./commands/caption-edits.js');
  captions
    .command('generate <model>')
    .description('caption every enhanced result that has none (resumable; a paid call is never paid twice)')
    .option('--captioner <name>', 'offline (default without HF_TOKEN), hf, blip, openai, ollama')
    .option('--rating <ratings>', 'ratings to caption (comma-separated; default: all with results)', commaList)
    .option('--resubmit-uncertain', 'send again the paid calls whose answer was lost (may pay twice)')
    .action(
      async (
        model: string,
        options: { captioner?: string; rating?: string[]; resubmitUncertain?: boolean },
        command: Command,
      ) => {
        await execute(command, load, (m, c) =>
          m.captionsGenerateCommand(c, model, {
            ...(options.captioner && { captioner: options.captioner }),
            ...(options.rating && { ratings: options.rating }),
            ...(options.resubmitUncertain && { resubmitUncertain: true }),
          }),
        );
      },
    );
  withFilters(captions.command('list <model>').description('captions with their state, tokens and problems')).action(
    async (model: string, options, command: Command) => {
      await execute(command, edits, (m, c) => m.captionsListCommand(c, model, options));
    },
  );
  captions
    .command('review <model>')
    .description('walk the unreviewed captions: accept, edit inline or in $EDITOR, skip, quit and come back')
    .action(async (model: string, _options, command: Command) => {
      await execute(
        command,
        () => import('./commands/caption-review-walk.js'),
        (m, c) => m.captionsReviewCommand(c, model),
      );
    });
  captions
    .command('edit <model> <name> <text>')
    .description('set one caption (a person’s text: never rewritten by a later automatic pass)')
    .action(async (model: string, name: string, text: string, _options, command: Command) => {
      await execute(command, edits, (m, c) => m.captionsEditCommand(c, model, name, text));
    });
  const bulk = [
    {
      name: 'replace <model> <regex> <replacement>',
      about: 'regex find and replace ($1 groups) over the filtered captions',
      action: 'replace',
    },
    { name: 'prefix <model> <text>', about: 'put text before the filtered captions', action: 'prefix' },
    { name: 'suffix <model> <text>', about: 'put text after the filtered captions', action: 'suffix' },
    { name: 'reviewed <model>', about: 'mark the filtered generated captions as reviewed', action: 'reviewed' },
  ] as const;
  for (const entry of bulk) {
    withFilters(captions.command(entry.name).description(entry.about))
      .option('--dry-run', 'show every change without writing anything')
      .action(async (...args: unknown[]) => {
        const command = args[args.length - 1] as Command;
        const options = args[args.length - 2] as Record<string, unknown>;
        const [model, first, second] = args as string[];
        const texts =
          entry.action === 'replace'
            ? { pattern: first, text: second }
            : entry.action === 'reviewed'
              ? {}
              : { text: first };
        await execute(command, edits, (m, c) => m.captionsBulkCommand(c, model!, entry.action, texts, options));
      });
  }
  captions
    .command('undo <model> [operation]')
    .description('undo the last caption edit, or the operation named (each edit prints its id)')
    .action(async (model: string, operation: string | undefined, _options, command: Command) => {
      await execute(command, edits, (m, c) => m.captionsUndoCommand(c, model, operation));
    });
}
