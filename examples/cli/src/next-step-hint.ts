/** The next step an error of `@model-studio/core` carries (its `hint`), read without importing core. */
interface ErrorHintLike {
  action?: unknown;
  model?: unknown;
  rating?: unknown;
}

/**
 * The `studio …` command for the next step a core error names in its `hint` (core's messages never spell CLI
 * commands), or undefined.
 */
export function nextStepHint(error: unknown): string | undefined {
  const hint = (typeof error === 'object' && error !== null ? (error as { hint?: unknown }).hint : undefined) as
    | ErrorHintLike
    | undefined;
  if (!hint || typeof hint.action !== 'string' || typeof hint.model !== 'string') return undefined;
  const model = hint.model;
  const rating = typeof hint.rating === 'string' ? hint.rating : 'sfw';
  switch (hint.action) {
    case 'create-model':
      return `Next: \`studio models create ${model}\``;
    case 'delete-model':
      return `Next: \`studio models delete ${model}\``;
    case 'import-sources':
      return `Next: \`studio sources add ${model} <files>\``;
    case 'import-targets':
      return `Next: \`studio targets add ${model} <files> --rating ${rating}\``;
    case 'set-consent':
      return `Next: \`studio consent set ${model}\``;
    case 'revoke-consent':
      return `Next, once the run has stopped: \`studio consent revoke ${model} --reason "..." --delete-data\``;
    case 'status':
      return `Meanwhile: \`studio status ${model}\``;
    case 'run':
      return `Next: \`studio run ${model}\``;
    default:
      return undefined;
  }
}
