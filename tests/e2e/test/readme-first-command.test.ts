// The README's promise: on a fresh clone, its first command installs and runs the demo (no keys, the MaxStudio
// sandbox, local storage). This clones the repository's committed HEAD into a new folder and runs that command,
// exactly as the README prints it, with bash. Packages come from the pnpm store the suite's own install filled.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/repo.js';

const run = promisify(execFile);
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** The shell commands of the README's `sh` code blocks, in order. */
async function readmeCommands(): Promise<string[]> {
  const readme = await readFile(join(repoRoot, 'README.md'), 'utf8');
  return [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]!.trim());
}

describe("the README's first command", () => {
  it('is the demo, and from a fresh clone it installs, builds and reports every unit verified', async () => {
    const [first] = await readmeCommands();
    expect(first).toMatch(/pnpm install --frozen-lockfile && pnpm demo$/);

    const dir = await mkdtemp(join(tmpdir(), 'readme-clone-'));
    dirs.push(dir);
    const clone = join(dir, 'model-studio');
    await run('git', ['clone', '--quiet', repoRoot, clone]);
    // No settings from this machine's environment reach the demo: it must work with none.
    const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', NO_COLOR: '1' };
    for (const name of Object.keys(env)) {
      if (/^(MAXSTUDIO_|S3_|AWS_|STUDIO_|FORCE_COLOR$)/.test(name)) delete env[name];
    }
    const { stdout } = await run('bash', ['-c', first!], {
      cwd: clone,
      env,
      timeout: 240_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    const text = stdout.replace(/\u001b\[[0-9;]*m/g, '');
    const verified = /\[SANDBOX\] (\d+)\/(\d+) units verified/.exec(text);
    expect(verified, text.slice(-2000)).not.toBeNull();
    expect(Number(verified![1])).toBeGreaterThan(0);
    expect(verified![1]).toBe(verified![2]);
  }, 300_000);
});
