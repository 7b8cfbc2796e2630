/** Edit distance between two short words (insertions, deletions, substitutions). */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * What `studio <word>` says when `<word>` is not a command: `error: unknown command 'x'`, the closest command when
 * one is near (a typo), and every command, so the next try can be right.
 */
export function unknownCommandMessage(word: string, commands: readonly string[]): string {
  const near = commands
    .map((name) => ({ name, far: distance(word.toLowerCase(), name) }))
    .filter((candidate) => candidate.far <= Math.max(1, Math.floor(candidate.name.length / 3)))
    .sort((a, b) => a.far - b.far)[0];
  return [
    `error: unknown command '${word}'`,
    ...(near ? [`(Did you mean ${near.name}?)`] : []),
    `Commands: ${commands.join(', ')}.`,
  ].join('\n');
}
