import type { CliContext } from './cli-context.js';
import { UsageError } from './usage-error.js';

/**
 * Asks a yes/no question. `--yes` answers yes; without a terminal (scripts, CI, `--json`) the question cannot be
 * asked, so it throws a {@link UsageError} telling the caller to pass `--yes`.
 */
export async function confirmOrYes(context: CliContext, message: string, initialValue = true): Promise<boolean> {
  if (context.options.yes) return true;
  if (!context.interactive) {
    throw new UsageError(
      `${message.replace(/\s*\[[^\]]*\]\s*$/, '')}: this needs confirmation; pass --yes to confirm without a terminal.`,
    );
  }
  const prompts = await import('@clack/prompts');
  const answer = await prompts.confirm({ message, initialValue });
  return !prompts.isCancel(answer) && answer;
}
