import * as prompts from '@clack/prompts';
import { createCliCaptioner } from './captioner-factory.js';
import type { CliContext } from './cli-context.js';
import { captionLine, generateCaptions } from './commands/captions.js';
import type { CliStudio } from './studio-factory.js';

/**
 * The menu's "Captions" screen for a model: generate the missing captions (with the configured captioner, offline
 * without one), accept or edit them one by one, or list them. The same library calls as `studio captions ...`.
 */
export async function captionsMenu(context: CliContext, cli: CliStudio, model: string): Promise<void> {
  for (;;) {
    const captions = await cli.studio.captions(model);
    const unreviewed = captions.filter((caption) => caption.state === 'generated').length;
    const choice = await prompts.select({
      message: `Captions of "${model}" (${captions.length} written, ${unreviewed} not reviewed yet)`,
      options: [
        { value: 'generate', label: 'Generate the missing captions' },
        { value: 'review', label: 'Review them one by one (accept, edit, skip)' },
        { value: 'list', label: 'List them' },
        { value: 'back', label: 'Back' },
      ],
    });
    if (prompts.isCancel(choice) || choice === 'back') return;
    try {
      if (choice === 'generate') {
        // The menu's studio was opened with the configured captioner (offline without one).
        const chosen = await createCliCaptioner(context.settings.captioner);
        const summary = await generateCaptions(context, cli.studio, model, chosen);
        if (summary) prompts.log.success(`${summary.succeeded} caption(s) written, ${summary.failed.length} failed.`);
      } else if (choice === 'review') {
        await reviewInMenu(cli, model);
      } else {
        const lines = captions.map(captionLine);
        prompts.note(
          lines.length > 0 ? lines.join('\n') : 'No captions yet: generate them first.',
          `Captions of ${model}`,
        );
      }
    } catch (error) {
      prompts.log.error(context.out.scrub((error as Error).message));
    }
  }
}

async function reviewInMenu(cli: CliStudio, model: string): Promise<void> {
  const { createCaptionReview } = await import('@model-studio/captioning');
  const review = createCaptionReview({ studio: cli.studio, workspace: cli.workspace });
  for (const caption of await review.list(model, { state: 'generated' })) {
    const choice = await prompts.select({
      message: `${caption.name}\n  ${caption.text.trim()}`,
      options: [
        { value: 'accept', label: 'Accept' },
        { value: 'edit', label: 'Edit' },
        { value: 'skip', label: 'Skip' },
        { value: 'quit', label: 'Back to the captions screen' },
      ],
    });
    if (prompts.isCancel(choice) || choice === 'quit') return;
    if (choice === 'skip') continue;
    let text = caption.text.trim();
    if (choice === 'edit') {
      const answer = await prompts.text({ message: 'Caption:', initialValue: text });
      if (prompts.isCancel(answer)) return;
      text = answer;
    }
    await review.set(model, caption.name, text);
  }
}
