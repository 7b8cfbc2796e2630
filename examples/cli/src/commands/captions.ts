import type { CaptionEntry, RunSummary } from '@model-studio/core';
import pc from 'picocolors';
import { createCliCaptioner } from '../captioner-factory.js';
import type { CliContext } from '../cli-context.js';
import { confirmOrYes } from '../confirm.js';
import { exitCodeForOutcome, exitCodes } from '../exit-codes.js';
import { openCliStudio } from '../studio-factory.js';
import { withProgress } from './run.js';

/** Options of `studio captions generate`. */
export interface CaptionsGenerateOptions {
  captioner?: string;
  ratings?: string[];
  resubmitUncertain?: boolean;
}

/** A caption in one line for screens: name, state and text. */
export function captionLine(entry: Pick<CaptionEntry, 'name' | 'state' | 'text'>): string {
  return `${pc.dim(entry.name)} ${pc.cyan(`[${entry.state}]`)} ${entry.text.trim()}`;
}

/**
 * `studio captions generate <model>`: captions every enhanced result that has none with the chosen captioner
 * (`--captioner`, `CAPTIONER`, the Hugging Face VLM with `HF_TOKEN`, else offline), with a progress bar; asks before a
 * paid captioner spends; resumable: run it again after Ctrl-C or a crash, nothing paid is paid again.
 */
export async function captionsGenerateCommand(
  context: CliContext,
  model: string,
  options: CaptionsGenerateOptions,
): Promise<number> {
  const { out } = context;
  const chosen = await createCliCaptioner(context.settings.captioner, options.captioner);
  const cli = await openCliStudio(context, 'none', { captioner: chosen.captioner });
  try {
    const summary = await generateCaptions(context, cli.studio, model, chosen, options);
    if (!summary) return exitCodes.ok;
    const entries = await cli.studio.captions(model);
    out.result({ model, captioner: chosen.label, summary, captions: entries.length }, () => {
      out.line(
        `${summary.succeeded} caption(s) written, ${summary.failed.length} failed, ${summary.uncertain.length} uncertain; ${entries.length} image(s) of "${model}" have a caption.`,
      );
      for (const failure of summary.failed.slice(0, 5)) out.warn(`${failure.unitId}: ${failure.message}`);
      if (summary.uncertain.length > 0) {
        out.warn(
          `${summary.uncertain.length} paid caption call(s) lost their answer (they may have been charged): settle each with \`studio costs settle <stage-id> --charged|--not-charged\`, or run again with --resubmit-uncertain.`,
        );
      }
      out.line(`Next: \`studio captions review ${model}\` to accept or edit them one by one.`);
    });
    return exitCodeForOutcome(summary);
  } finally {
    await cli.close();
  }
}

/** Captions a model with a progress bar (shared by the command, the menu and the demo); undefined when declined. */
export async function generateCaptions(
  context: CliContext,
  studio: import('@model-studio/core').Studio,
  model: string,
  chosen: { captioner: import('@model-studio/core').Captioner; label: string },
  options: CaptionsGenerateOptions = {},
): Promise<RunSummary | undefined> {
  context.out.line(`Captioning model "${model}" with ${chosen.label}`);
  if (chosen.captioner.paid) {
    const status = await studio.status(model);
    const question = `The captioner is paid per call (about ${status.units.done} image(s) at most). Continue? [Y/n]`;
    if (!(await confirmOrYes(context, question))) {
      context.out.line('Nothing was captioned.');
      return undefined;
    }
  }
  return withProgress(context, (runOptions) =>
    studio.caption(model, {
      ...runOptions,
      ...(options.ratings && options.ratings.length > 0 && { ratings: options.ratings }),
      resubmitUncertain: options.resubmitUncertain === true,
    }),
  );
}
