import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './repo.js';

/**
 * The root README's "A first taste" example, exactly as written: the first ```ts fence under the "## A first taste"
 * heading. Throws when the section or its fence is gone, so a README edit cannot silently skip the packed-install test.
 */
export function readmeFirstTaste(): string {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const start = readme.search(/^## A first taste[ \t]*$/m);
  if (start < 0) throw new Error('README.md has no "## A first taste" section');
  const rest = readme.slice(start);
  const nextSection = rest.slice(3).search(/^## /m);
  const section = nextSection < 0 ? rest : rest.slice(0, nextSection + 3);
  const fence = /^```ts[ \t]*\n([\s\S]*?)^```[ \t]*$/m.exec(section);
  if (!fence) throw new Error('README.md "## A first taste" has no ```ts example');
  return fence[1]!;
}
