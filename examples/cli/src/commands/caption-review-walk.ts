import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pc from 'picocolors';
import type { CliContext } from '../cli-context.js';
import { exitCodes } from '../exit-codes.js';
import { openCliStudio } from '../studio-factory.js';
import { UsageError } from '../usage-error.js';

/** Opens `text` in `$VISUAL`/`$EDITOR` (default `vi`) and returns what was saved. */
async function editInEditor(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'studio-caption-'));
  const file = join(dir, 'caption.txt');
  try {
    await writeFile(file, text);
    const editor = process.env.VISUAL || process.env.EDITOR || 'vi';
    const result = spawnSync(editor, [file], { stdio: 'inherit', shell: true });
    if (result.status !== 0)
      throw new UsageError(`The editor "${editor}" exited with ${result.status}: caption unchanged.`);
    return (await readFile(file, 'utf8')).trim();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * `studio captions review <model>`: walks the captions nobody reviewed yet, one by one: accept, edit inline, edit in
 * $EDITOR, skip, or quit (what was answered is stored at once: run it again to come back to the rest).
 */
export async function captionsReviewCommand(context: CliContext, model: string): Promise<number> {
  if (!context.interactive) {
    throw new UsageError(
      '`studio captions review` asks about each caption and needs a terminal. In scripts use `studio captions list`, `studio captions edit` and `studio captions reviewed`.',
    );
  }
  const prompts = await import('@clack/prompts');
  const cli = await openCliStudio(context, 'none');
  try {
    const { createCaptionReview } = await import('@model-studio/captioning');
    const review = createCaptionReview({ studio: cli.studio, workspace: cli.workspace });
    const pending = await review.list(model, { state: 'generated' });
    if (pending.length === 0) {
      context.out.line(`Every caption of "${model}" has been reviewed.`);
      return exitCodes.ok;
    }
    let accepted = 0;
    let edited = 0;
    for (const [index, caption] of pending.entries()) {
      context.out.line(`${pc.dim(`${index + 1}/${pending.length}`)} ${pc.bold(caption.name)}`);
      context.out.line(`  ${caption.text.trim()}`);
      if (caption.check.issues.length > 0) context.out.warn(`  ${caption.check.issues.join(', ')}`);
      const choice = await prompts.select({
        message: 'This caption:',
        options: [
          { value: 'accept', label: 'Accept as it is' },
          { value: 'edit', label: 'Edit here' },
          { value: 'editor', label: 'Edit in $EDITOR' },
          { value: 'skip', label: 'Skip for now' },
          { value: 'quit', label: 'Quit (come back later)' },
        ],
      });
      if (prompts.isCancel(choice) || choice === 'quit') break;
      if (choice === 'skip') continue;
      let text = caption.text.trim();
      if (choice === 'edit') {
        const answer = await prompts.text({ message: 'Caption:', initialValue: text });
        if (prompts.isCancel(answer)) break;
        text = answer;
      } else if (choice === 'editor') {
        text = await editInEditor(text);
      }
      await review.set(model, caption.name, text);
      if (text === caption.text.trim()) accepted += 1;
      else edited += 1;
    }
    context.out.line(`${accepted} accepted, ${edited} edited. \`studio captions undo ${model}\` undoes the last one.`);
    return exitCodes.ok;
  } finally {
    await cli.close();
  }
}
