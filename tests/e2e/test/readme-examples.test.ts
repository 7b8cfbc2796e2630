import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot, workspacePackages } from './helpers/repo.js';

const run = promisify(execFile);

/** Code fences whose info string is exactly `ts` are runnable examples; `ts no-run` ones are not run. */
function runnableExamples(markdown: string): string[] {
  const blocks: string[] = [];
  const fence = /^```ts[ \t]*\n([\s\S]*?)^```[ \t]*$/gm;
  for (let match = fence.exec(markdown); match; match = fence.exec(markdown)) blocks.push(match[1]!);
  return blocks;
}

const readmes = [
  { readme: join(repoRoot, 'README.md'), runIn: join(repoRoot, 'tests', 'e2e') },
  ...workspacePackages().map((pkg) => ({ readme: join(pkg.dir, 'README.md'), runIn: pkg.dir })),
].filter(({ readme }) => existsSync(readme));

describe('README examples run', () => {
  it('at least one README has a runnable example', () => {
    expect(readmes.some(({ readme }) => runnableExamples(readFileSync(readme, 'utf8')).length > 0)).toBe(true);
  });

  for (const { readme, runIn } of readmes) {
    runnableExamples(readFileSync(readme, 'utf8')).forEach((code, index) => {
      it(`${relative(repoRoot, readme)} example ${index + 1}`, async () => {
        // The example file sits inside the package so its imports resolve like a user's would (built dist/).
        const dir = join(runIn, '.readme-examples');
        await mkdir(dir, { recursive: true });
        const file = join(dir, `example-${index + 1}-${process.pid}.mts`);
        const cwd = await mkdtemp(join(tmpdir(), 'readme-example-'));
        await writeFile(file, code);
        try {
          const { stdout } = await run(join(repoRoot, 'node_modules', '.bin', 'tsx'), [file], {
            cwd,
            env: { ...process.env, MAXSTUDIO_API_KEY: '' },
            timeout: 120_000,
          });
          expect(typeof stdout).toBe('string');
        } catch (error) {
          const { stdout, stderr } = error as { stdout?: string; stderr?: string };
          throw new Error(`Example failed:\n${code}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`);
        } finally {
          await rm(file, { force: true });
          await rm(cwd, { recursive: true, force: true });
        }
      }, 150_000);
    });
  }
});
