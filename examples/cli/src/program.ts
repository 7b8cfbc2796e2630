import { resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { registerCaptionCommands } from './caption-commands.js';
import type { CliContext, GlobalOptions } from './cli-context.js';
import { exitCodeForError, exitCodes, exitCodesHelp } from './exit-codes.js';
import { nextStepHint } from './next-step-hint.js';
import { createOutput } from './output.js';
import { storageErrorHint } from './report.js';
import { loadSettings, scrubSecrets } from './settings.js';
import { registerTrainCommands } from './train-commands.js';
import { unknownCommandMessage } from './unknown-command-message.js';
import { UsageError } from './usage-error.js';

/** Parses a positive number flag. */
function positiveNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError('expected a positive number.');
  return parsed;
}

/** Parses a positive integer flag. */
function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new InvalidArgumentError('expected a positive whole number.');
  return parsed;
}

/** Parses a whole number from 0 (`--wait 0`: do not wait). */
function nonNegativeInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new InvalidArgumentError('expected a whole number from 0.');
  return parsed;
}

/** Parses a comma-separated list flag. */
function list(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  ];
}

/** Parses a comma-separated list of numbers (`1,2,5`). */
function numberList(value: string): number[] {
  return list(value).map((item) => positiveInteger(item));
}

type Loader<T> = () => Promise<T>;

/** Runs a command module's function with the shared context, mapping errors to exit codes. */
async function execute<M>(
  command: Command,
  load: Loader<M>,
  call: (module: M, context: CliContext) => Promise<number | undefined> | Promise<void>,
  /** What the first Ctrl-C says it does; the default fits the commands that run paid work. */
  stopping = 'Stopping: nothing new is submitted; requests already sent get their answer and jobs in flight stay recorded for `studio resume` (Ctrl-C again to quit at once)...',
): Promise<void> {
  const globals = command.optsWithGlobals() as Partial<GlobalOptions> & { workspace?: string };
  const settings = loadSettings();
  const options: GlobalOptions = {
    workspace: globals.workspace ?? settings.workspace ?? './studio-workspace',
    yes: globals.yes === true,
    json: globals.json === true,
    sandbox: globals.sandbox === true,
  };
  if (globals.budget !== undefined) options.budget = globals.budget;
  if (globals.concurrency !== undefined) options.concurrency = globals.concurrency;
  const out = createOutput({ json: options.json, secrets: settings.secrets });
  const controller = new AbortController();
  const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true && !process.env.CI && !options.json;
  const context: CliContext = { options, settings, out, interactive, signal: controller.signal };
  // The in-process sandbox (`--sandbox`, `studio demo`) needs the flag again to continue; a real or external one does not.
  const resume = options.sandbox || command.name() === 'demo' ? 'studio --sandbox resume' : 'studio resume';
  let interrupts = 0;
  const onSigint = () => {
    interrupts += 1;
    if (interrupts > 1) {
      out.error(`Interrupted again: exiting now. In-flight jobs are recorded; \`${resume} <model>\` continues.`);
      process.exit(exitCodes.interrupted);
    }
    out.warn(stopping);
    controller.abort(new DOMException('Interrupted by Ctrl-C', 'AbortError'));
  };
  process.on('SIGINT', onSigint);
  try {
    const module = await load();
    const code = await call(module, context);
    process.exitCode = typeof code === 'number' ? code : exitCodes.ok;
  } catch (error) {
    const code = controller.signal.aborted ? exitCodes.interrupted : exitCodeForError(error);
    const message = error instanceof Error ? error.message : String(error);
    const hint =
      code === exitCodes.storage
        ? storageErrorHint(message, settings.s3, resolve(options.workspace))
        : nextStepHint(error);
    if (options.json) {
      const reported = { code: (error as { code?: unknown }).code ?? 'unexpected', message, ...(hint ? { hint } : {}) };
      process.stdout.write(`${out.scrub(JSON.stringify({ error: reported, exitCode: code }, null, 2))}\n`);
    }
    out.error(`${out.sandbox ? '[SANDBOX] ' : ''}Error: ${message}`);
    if (hint) out.error(hint);
    if (code === exitCodes.interrupted) {
      out.error(`Interrupted. Submitted jobs are recorded in the journal; continue with \`${resume} <model>\`.`);
    }
    if (code === exitCodes.unexpected && process.env.STUDIO_DEBUG && error instanceof Error && error.stack) {
      out.error(error.stack);
    }
    process.exitCode = code;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** Builds the `studio` command tree. Command modules are imported only when their command runs. */
export function createProgram(): Command {
  const program = new Command('studio');
  program
    .description(
      'AI Model Studio: import a consenting person’s photos, swap them onto target photos, verify and enhance the results.\n' +
        'Run with no command for the interactive menu, or `studio demo` to try it with bundled samples and a sandbox.',
    )
    .version('0.1.0', '-V, --version')
    .option('-w, --workspace <dir>', 'workspace folder (default: $STUDIO_WORKSPACE or ./studio-workspace)')
    .option('-y, --yes', 'answer yes to every confirmation (needed for paid runs without a terminal)')
    .option('--json', 'print one JSON document on stdout (messages go to stderr)')
    .option('--budget <credits>', 'stop before the run would spend more than this', positiveNumber)
    .option('--concurrency <n>', 'units in flight at once (default: the model’s setting)', positiveInteger)
    .option('--sandbox', 'use an in-process MaxStudio sandbox instead of the real API (outputs are labelled SANDBOX)')
    .showHelpAfterError('(run `studio --help` for usage)')
    .exitOverride();
  program.addHelpText(
    'after',
    `\n${exitCodesHelp()}\n\n` +
      'Settings: flags, then environment, then a .env file here (MAXSTUDIO_API_KEY, MAXSTUDIO_BASE_URL, S3_BUCKET, ...).',
  );

  program.action(async (_options, command: Command) => {
    // `studio x`: an unknown command (the root takes no arguments; see allowExcessArguments below).
    if (command.args.length > 0) {
      const names = command.commands.map((sub) => sub.name());
      command.error(unknownCommandMessage(command.args[0]!, names), { code: 'commander.unknownCommand' });
    }
    await execute(
      command,
      () => import('./menu.js'),
      (menu, context) => menu.runMenu(context),
    );
  });

  const models = program.command('models').description('create, list, show and delete models');
  models
    .command('create <name>')
    .description('create a model (a slug: lower-case letters, digits, hyphens)')
    .option('--trigger-word <word>', 'trigger word for training')
    .option('--class-word <word>', 'class word for training, e.g. "woman"')
    .option('--min-short-side <px>', 'smallest accepted shortest side of a photo, in px', positiveInteger)
    .action(async (name: string, options, command: Command) => {
      await execute(
        command,
        () => import('./commands/models.js'),
        (m, c) => m.createModelCommand(c, name, options),
      );
    });
  const setModel = models
    .command('set <name>')
    .description('change a model’s settings: thresholds, trigger and class words, prices, concurrency')
    .action(async (name: string, _options, command: Command) => {
      await execute(
        command,
        () => import('./commands/models.js'),
        (m, c) => m.setModelCommand(c, name, command.optsWithGlobals()),
      );
    });
  // Its flags come from core's settings schema, loaded only when `models set` runs (or shows its help).
  models.hook('preSubcommand', async (_models, sub) => {
    if (sub === setModel) (await import('./model-settings-flags.js')).addModelSettingFlags(sub);
  });
  models
    .command('list')
    .description('list every model with its counts and consent state')
    .action(async (_options, command: Command) => {
      await execute(
        command,
        () => import('./commands/models.js'),
        (m, c) => m.listModelsCommand(c),
      );
    });
  models
    .command('show <name>')
    .description('show a model’s settings, consent record, photos and results')
    .action(async (name: string, _options, command: Command) => {
      await execute(
        command,
        () => import('./commands/models.js'),
        (m, c) => m.showModelCommand(c, name),
      );
    });
  models
    .command('delete <name>')
    .description('delete a model and its files from every configured storage')
    .action(async (name: string, _options, command: Command) => {
      await execute(
        command,
        () => import('./commands/models.js'),
        (m, c) => m.deleteModelCommand(c, name),
      );
    });

  const consent = program.command('consent').description('record or revoke the subject’s documented consent');
  consent
    .command('set <model>')
    .description('record the consent of the person the model depicts (asked before anything is processed)')
    .requiredOption('--subject <name>', 'the person’s name as on the evidence')
    .option('--adult', 'attest that the subject is an adult')
    .option('--attested-by <who>', 'who attested that and how', 'studio operator')
    .option('--ratings <list>', 'content ratings the subject agreed to (comma-separated)', list)
    .option('--uses <list>', 'uses agreed to: swap, train, publish (comma-separated)', list)
    .requiredOption('--evidence <ref>', 'where the evidence is kept (document id, path, URL)')
    .option('--obtained-at <iso>', 'when consent was given (ISO 8601; default now)')
    .action(async (model: string, options, command: Command) => {
      await execute(
        command,
        () => import('./commands/consent.js'),
        (m, c) => m.setConsentCommand(c, model, options),
      );
    });
  consent
    .command('revoke <model>')
    .description('revoke consent: stops further processing; --delete-data deletes the model’s data everywhere')
    .requiredOption('--reason <text>', 'why, in the subject’s or operator’s words')
    .option('--delete-data', 'also delete the model’s data from every storage')
    .option(
      '--wait <seconds>',
      'with --delete-data: how long to wait for a run of the model in another process to stop (default 60)',
      nonNegativeInteger,
    )
    .action(async (model: string, options: { reason: string; deleteData?: boolean; wait?: number }, command) => {
      const { wait, ...rest } = options;
      await execute(
        command,
        () => import('./commands/consent.js'),
        (m, c) => m.revokeConsentCommand(c, model, { ...rest, ...(wait === undefined ? {} : { waitSeconds: wait }) }),
        'Stopping: consent stays revoked (Ctrl-C again to quit at once)...',
      );
    });

  program
    .command('sources')
    .description('source photos (the person’s face)')
    .command('add <model> <paths...>')
    .description('validate, rename and store source photos (files, folders, or comma-separated paths)')
    .option('--allow-near-duplicates', 'import near-duplicates of its sources with a warning (default: refused)')
    .action(async (model: string, paths: string[], options: { allowNearDuplicates?: boolean }, command: Command) => {
      await execute(
        command,
        () => import('./commands/sources.js'),
        (m, c) => m.addSourcesCommand(c, model, paths, options),
      );
    });

  program
    .command('targets')
    .description('target photos (bodies and scenes) per content rating')
    .command('add <model> <paths...>')
    .description('validate, face-check, rename and store target photos with their provenance')
    .requiredOption('--rating <rating>', 'content rating of these photos, e.g. sfw')
    .requiredOption('--origin <where>', 'where the photos came from')
    .requiredOption('--rights <statement>', 'your statement that you hold the rights to use them')
    .option('--adults-consented', 'for ratings other than sfw: everyone shown is an adult who consented')
    .option('--allow-near-duplicates', 'import near-duplicates of its targets with a warning (default: refused)')
    .action(async (model: string, paths: string[], options, command: Command) => {
      await execute(
        command,
        () => import('./commands/targets.js'),
        (m, c) => m.addTargetsCommand(c, model, paths, options),
      );
    });

  program
    .command('import-prototype [folder]')
    .description('import models made by the Python prototype (its models/ folder, one model’s folder, or --s3 bucket)')
    .option('--model <name>', 'the prototype model to import (and its name here)')
    .option('--dry-run', 'print the mapping table; write nothing')
    .option('--s3 <bucket>', 'import from the prototype’s S3 bucket: <bucket>[/<prefix>] (endpoint, keys: S3_*)')
    .option('--consent-file <path>', 'JSON consent record of the subject (else asked at a terminal)')
    .option('--rights <statement>', 'your statement that you hold the rights to the prototype’s target photos')
    .option('--adults-consented', 'with --rights: everyone shown in non-sfw targets is an adult who consented')
    .action(async (folder: string | undefined, options, command: Command) => {
      await execute(
        command,
        () => import('./commands/import-prototype.js'),
        (m, c) => m.importPrototypeCommand(c, folder, options),
        'Stopping: files written so far stay; run the same import again to finish it (Ctrl-C again to quit at once)...',
      );
    });

  const planOptions = (cmd: Command) =>
    cmd
      .option('--ratings <list>', 'ratings to process (default: every rating with targets that consent covers)', list)
      .option('--sources <numbers>', 'source numbers to use, e.g. 1,2 (default: all)', numberList)
      .option('--targets <numbers>', 'target numbers to use, e.g. 1,3 (default: all)', numberList);

  planOptions(program.command('estimate <model>').description('estimated credits per operation and in total')).action(
    async (model: string, options, command: Command) => {
      await execute(
        command,
        () => import('./commands/run.js'),
        (m, c) => m.estimateCommand(c, model, options),
      );
    },
  );
  planOptions(
    program.command('run <model>').description('swap, verify and enhance every planned unit (asks before paying)'),
  ).action(async (model: string, options, command: Command) => {
    await execute(
      command,
      () => import('./commands/run.js'),
      (m, c) => m.runCommand(c, model, options),
    );
  });
  program
    .command('resume <model>')
    .description('continue the model’s last run: skips done units, reattaches recorded jobs')
    .addOption(
      new Option(
        '--resubmit-uncertain',
        'resubmit units whose submission is uncertain: says how many credits it may pay twice and asks (or --yes)',
      ).default(false),
    )
    .addOption(
      new Option(
        '--attach <stage-id=job-id>',
        'record the job id of an uncertain submission, found in the provider account, and poll it (repeatable)',
      )
        .argParser((value: string, previous: string[] = []) => [...previous, value])
        .default([]),
    )
    .action(async (model: string, options, command: Command) => {
      await execute(
        command,
        () => import('./commands/run.js'),
        (m, c) => m.resumeCommand(c, model, options),
      );
    });
  program
    .command('status <model>')
    .description('units complete, then done, pending, in-flight, uncertain and failed stages, from the journal')
    .action(async (model: string, _options, command: Command) => {
      await execute(
        command,
        () => import('./commands/status.js'),
        (m, c) => m.statusCommand(c, model),
      );
    });
  const costs = program
    .command('costs')
    .argument('<model>')
    .description('credits reserved, charged and uncertain, from the cost ledger (read-only); `costs settle` settles')
    .action(async (model: string, _options, command: Command) => {
      await execute(
        command,
        () => import('./commands/status.js'),
        (m, c) => m.costsCommand(c, model),
      );
    });
  costs
    .command('settle <stage-id>')
    .description('close an uncertain ledger entry from your provider bill: --charged or --not-charged')
    .option('--charged', 'the provider charged it (no result: the next run pays again for the stage)')
    .option('--not-charged', 'the provider did not charge it (the next run submits it as new)')
    .action(async (stageId: string, options: { charged?: boolean; notCharged?: boolean }, command: Command) => {
      await execute(
        command,
        () => import('./commands/settle.js'),
        (m, c) => m.settleCommand(c, stageId, options),
      );
    });
  program
    .command('share <model>')
    .description('signed links to the model’s results, valid 7 days by default (S3: presigned; local: this machine)')
    .option('--rating <ratings>', 'ratings to share: sfw, nsfw (repeatable or comma-separated; default: all)', list)
    .option('--stage <stages>', 'enhanced (default), swapped, source (repeatable or comma-separated)', list)
    .option('--expires <duration>', 'how long links last: 7d (the most S3 allows), 12h, 30m, 3600s', '7d')
    .option('--csv', 'print CSV: name,key,url,expires_at,reachable_from')
    .option('--serve', 'keep serving links of the local workspace folder (this machine only) until Ctrl-C')
    .action(async (model: string, options, command: Command) => {
      await execute(
        command,
        () => import('./commands/share.js'),
        (m, c) => m.shareCommand(c, model, options),
        'Stopping: the links of this machine stop working now; S3 links keep working until they expire...',
      );
    });
  registerCaptionCommands(program, execute);
  registerTrainCommands(program, execute);
  program
    .command('demo')
    .description('the whole flow on bundled public-domain samples against an in-process sandbox (no keys needed)')
    .action(async (_options, command: Command) => {
      await execute(
        command,
        () => import('./commands/demo.js'),
        (m, c) => m.demoCommand(c),
      );
    });

  for (const command of [program, ...allSubcommands(program)]) command.exitOverride();
  // Set last, so no subcommand inherits it: the root's action reports words it gets as an unknown command.
  program.allowExcessArguments(true);
  return program;
}

function allSubcommands(command: Command): Command[] {
  return command.commands.flatMap((sub) => [sub, ...allSubcommands(sub)]);
}

/** Runs the CLI with `argv` (as `process.argv`). Sets `process.exitCode`. */
export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const program = createProgram();
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    const json = program.opts().json === true || wantsJson(argv);
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
      if (json && error.exitCode !== 0) printJsonError('usage', commanderMessage(error), exitCodes.usage);
      return;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`Error: ${error.message}\n`);
      process.exitCode = exitCodes.usage;
      if (json) printJsonError('usage', error.message, exitCodes.usage);
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    if (json) printJsonError('unexpected', message, exitCodes.unexpected);
    throw error;
  }
}

/** Whether `--json` is among the arguments (before a `--`): errors found while parsing are then printed as JSON too. */
function wantsJson(argv: readonly string[]): boolean {
  const args = argv.slice(2);
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).includes('--json');
}

/** A commander error's message without its `error: ` prefix (commander printed it on stderr already). */
function commanderMessage(error: CommanderError): string {
  if (error.code === 'commander.help') return 'a command is needed here (see --help for the commands)';
  return error.message.replace(/^error: /, '');
}

/** In `--json` mode every error is one JSON object on stdout, as `execute` prints for a command's errors. */
function printJsonError(code: string, message: string, exitCode: number): void {
  let secrets: readonly string[] = [];
  try {
    secrets = loadSettings().secrets;
  } catch {
    // A settings problem is not this error's; print it unscrubbed of secrets that could not be read.
  }
  const body = { error: { code, message }, exitCode };
  process.stdout.write(`${scrubSecrets(JSON.stringify(body, null, 2), secrets)}\n`);
}
