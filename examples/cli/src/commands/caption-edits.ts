import type { CaptionChangeResult, CaptionFilter, CaptionReview } from '@model-studio/captioning';
import type { CaptionState } from '@model-studio/core';
import pc from 'picocolors';
import type { CliContext } from '../cli-context.js';
import { exitCodes } from '../exit-codes.js';
import { openCliStudio } from '../studio-factory.js';
import { UsageError } from '../usage-error.js';
import { captionLine } from './captions.js';

/** Filter flags shared by `captions list` and the bulk edits. */
export interface CaptionFilterFlags {
  state?: string;
  rating?: string;
  source?: string;
  match?: string;
  overTokens?: boolean | number;
  name?: string[];
}

/** Flags of the bulk edits. */
export interface CaptionEditFlags extends CaptionFilterFlags {
  dryRun?: boolean;
}

const states: readonly CaptionState[] = ['generated', 'reviewed', 'edited'];

/** The core filter for the flags. */
export function filterOf(flags: CaptionFilterFlags): CaptionFilter {
  const filter: CaptionFilter = {};
  if (flags.state !== undefined) {
    const wanted = flags.state.split(',').map((state) => state.trim());
    const bad = wanted.filter((state) => !states.includes(state as CaptionState));
    if (bad.length > 0) throw new UsageError(`--state takes ${states.join(', ')} (got ${bad.join(', ')}).`);
    filter.state = wanted as CaptionState[];
  }
  if (flags.rating !== undefined) filter.rating = flags.rating;
  if (flags.source !== undefined) filter.source = flags.source;
  if (flags.match !== undefined) filter.match = flags.match;
  if (flags.overTokens !== undefined) filter.overTokens = flags.overTokens;
  if (flags.name && flags.name.length > 0) filter.names = flags.name;
  return filter;
}

/** Opens the studio and the review operations for one command. */
async function withReview<T>(context: CliContext, use: (review: CaptionReview) => Promise<T>): Promise<T> {
  const cli = await openCliStudio(context, 'none');
  try {
    const { createCaptionReview } = await import('@model-studio/captioning');
    return await use(createCaptionReview({ studio: cli.studio, workspace: cli.workspace }));
  } finally {
    await cli.close();
  }
}

/** `studio captions list <model>`: captions with their state, token count and problems. */
export async function captionsListCommand(
  context: CliContext,
  model: string,
  flags: CaptionFilterFlags,
): Promise<number> {
  return withReview(context, async (review) => {
    const captions = await review.list(model, filterOf(flags));
    context.out.result({ model, captions }, () => {
      if (captions.length === 0) context.out.line(`No caption of "${model}" matches.`);
      for (const caption of captions) {
        const { tokens, limit } = caption.check.tokens;
        const issues = caption.check.issues.length > 0 ? pc.yellow(` (${caption.check.issues.join(', ')})`) : '';
        context.out.line(`${captionLine(caption)} ${pc.dim(`${tokens}/${limit} tokens`)}${issues}`);
      }
    });
    return exitCodes.ok;
  });
}

/** Prints what a bulk edit did (or would do). */
function printChanges(context: CliContext, model: string, result: CaptionChangeResult): number {
  context.out.result({ model, ...result }, () => {
    for (const change of result.changes) {
      context.out.line(pc.dim(change.name));
      context.out.line(`  ${pc.red('-')} ${change.before}`);
      context.out.line(`  ${pc.green('+')} ${change.after}`);
      if (change.issues.length > 0) context.out.warn(`  ${change.name}: ${change.issues.join(', ')}`);
    }
    const what = `${result.changes.length} caption(s)`;
    if (result.dryRun) context.out.line(`Dry run: ${what} would change; nothing was written.`);
    else if (result.operation)
      context.out.line(`${what} changed (operation ${result.operation}; undo with \`studio captions undo ${model}\`).`);
    else context.out.line('Nothing to change.');
  });
  return exitCodes.ok;
}

/** `studio captions edit <model> <name> <text>`: sets one caption (a person's text, never rewritten later). */
export function captionsEditCommand(context: CliContext, model: string, name: string, text: string): Promise<number> {
  return withReview(context, async (review) => printChanges(context, model, await review.set(model, name, text)));
}

/** `studio captions replace|prefix|suffix|reviewed <model> ...` with `--dry-run`. */
export function captionsBulkCommand(
  context: CliContext,
  model: string,
  action: 'replace' | 'prefix' | 'suffix' | 'reviewed',
  args: { pattern?: string; text?: string },
  flags: CaptionEditFlags,
): Promise<number> {
  return withReview(context, async (review) => {
    const options = { filter: filterOf(flags), dryRun: flags.dryRun === true };
    const result =
      action === 'replace'
        ? await review.replace(model, args.pattern ?? '', args.text ?? '', options)
        : action === 'prefix'
          ? await review.prefix(model, args.text ?? '', options)
          : action === 'suffix'
            ? await review.suffix(model, args.text ?? '', options)
            : await review.markReviewed(model, options);
    return printChanges(context, model, result);
  });
}

/** `studio captions undo <model> [operation]`: undoes the last edit, or the one named. */
export function captionsUndoCommand(context: CliContext, model: string, operation?: string): Promise<number> {
  return withReview(context, async (review) => {
    const result = await review.undo(model, operation);
    context.out.result({ model, ...result }, () => {
      context.out.line(
        `Undid ${result.undone.id} (${result.undone.description}): ${result.restored.length} caption(s) restored.`,
      );
      if (result.skipped.length > 0) {
        context.out.warn(
          `${result.skipped.length} caption(s) changed again since were left as they are: ${result.skipped.join(', ')}`,
        );
      }
    });
    return exitCodes.ok;
  });
}
