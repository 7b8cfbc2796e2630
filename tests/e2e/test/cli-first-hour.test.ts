// The first hour with the built `studio` command: a bad workspace path, settings changed after creation, typos,
// `--json` usage errors, a closed pipe, a run at concurrency 16, resume's remaining cost, and the menu with the
// bundled 512 px samples (the too-small offer) and a flow left early (no half-made model).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CliResult,
  cleanEnv,
  cliBin,
  ensureCliBuilt,
  parseJson,
  runCli,
  samplesDir,
} from './helpers/cli-process.js';
import { keys, type PtySession, startPty } from './helpers/cli-pty.js';
import { repoRoot } from './helpers/repo.js';

type Sharp = (input: string) => {
  flop(): ReturnType<Sharp>;
  modulate(options: { brightness: number; hue: number }): ReturnType<Sharp>;
  extend(options: Record<string, unknown>): ReturnType<Sharp>;
  jpeg(options: { quality: number }): { toFile(path: string): Promise<unknown> };
};
/** sharp, as the quality package resolves it (the e2e package does not depend on it directly). */
const sharp = createRequire(join(repoRoot, 'packages', 'quality', 'package.json'))('sharp') as Sharp;

/** Runs the CLI, killing it after `ms` (a hang fails the test instead of stalling the suite). */
function runWithin(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; ms?: number }) {
  return new Promise<CliResult & { killed: boolean }>((resolve, reject) => {
    const child = spawn(process.execPath, [cliBin, ...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, options.ms ?? 15_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, killed });
    });
  });
}

/** `count` different target photos with one face each, made from the bundled samples (tinted, mirrored, framed). */
async function manyTargets(dir: string, count: number): Promise<string> {
  await mkdir(dir, { recursive: true });
  const bases = ['astronaut.png', 'grace_hopper_tilt25.jpg', 'camera.png'];
  await Promise.all(
    Array.from({ length: count }, (_, n) => {
      const i = Math.floor(n / bases.length);
      let image = sharp(join(samplesDir, 'targets', bases[n % bases.length]!));
      if (i % 2) image = image.flop();
      return image
        .modulate({ brightness: 0.8 + i * 0.05, hue: i * 20 })
        .extend({ top: i * 8, left: i * 5, bottom: 3, right: 3, background: { r: 10 * i, g: 100, b: 200 - 10 * i } })
        .jpeg({ quality: 90 })
        .toFile(join(dir, `v${String(n).padStart(2, '0')}.jpg`));
    }),
  );
  return dir;
}

describe('studio, the first hour', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const studio = (...args: string[]) => runCli(args, { cwd: dir, env });
  const consent = (model: string) =>
    studio(
      'consent',
      'set',
      model,
      '--subject',
      'Grace Hopper',
      '--adult',
      '--ratings',
      'sfw',
      '--uses',
      'swap',
      '--evidence',
      'e2e',
    );

  beforeAll(async () => {
    ensureCliBuilt();
    dir = await mkdtemp(join(tmpdir(), 'cli-first-hour-'));
    env = cleanEnv({ STUDIO_WORKSPACE: join(dir, 'ws') });
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.runIf(existsSync('/proc/self'))('a workspace under /proc fails at once with exit 7, naming the path', async () => {
    const result = await runWithin(['--workspace', '/proc/nope', 'models', 'list'], { cwd: dir, env, ms: 15_000 });
    expect(result.killed, 'the command hung').toBe(false);
    expect(result.code).toBe(7);
    expect(result.stderr).toMatch(/Cannot create the workspace folder \/proc\/nope: its parent \/proc does not accept/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('a workspace under a regular file fails with exit 7 and a message, not a raw ENOTDIR', async () => {
    const file = join(dir, 'afile');
    await writeFile(file, 'a file');
    const result = await runWithin(['--workspace', join(file, 'ws'), 'models', 'list'], { cwd: dir, env });
    expect(result.code).toBe(7);
    expect(result.stderr).toMatch(new RegExp(`${file}/ws as the workspace folder: ${file} is a file, not a folder`));
    expect(result.stderr).not.toMatch(/ENOTDIR: not a directory/);
    const json = await runWithin(['--json', '--workspace', join(file, 'ws'), 'models', 'list'], { cwd: dir, env });
    expect(json.code).toBe(7);
    expect(parseJson<{ error: { code: string }; exitCode: number }>(json)).toMatchObject({
      error: { code: 'storage' },
      exitCode: 7,
    });
  });

  it('models set changes thresholds, words, prices and concurrency, validated; its --help lists them', async () => {
    expect((await studio('models', 'create', 'tuned')).code).toBe(0);
    const set = await studio(
      '--json',
      'models',
      'set',
      'tuned',
      '--min-short-side',
      '512',
      '--identity-threshold',
      '0.5',
      '--trigger-word',
      'ohwx',
      '--swap-price',
      '8',
      '--concurrency',
      '6',
    );
    expect(set.code, set.stderr).toBe(0);
    const body = parseJson<{ changes: { setting: string; from: unknown; to: unknown }[] }>(set);
    expect(body.changes).toEqual([
      { setting: 'triggerWord', from: 'tuned', to: 'ohwx' },
      { setting: 'thresholds.minShortSide', from: 800, to: 512 },
      { setting: 'thresholds.identityThreshold', from: 0.61, to: 0.5 },
      { setting: 'prices.swap.units', from: 10, to: 8 },
      { setting: 'concurrency', from: 4, to: 6 },
    ]);
    const config = JSON.parse(await readFile(join(dir, 'ws/models/tuned/config.json'), 'utf8'));
    expect(config.version).toBe(1);
    expect(config.settings).toMatchObject({ triggerWord: 'ohwx', concurrency: 6, thresholds: { minShortSide: 512 } });

    const bad = await studio('--json', 'models', 'set', 'tuned', '--identity-threshold', '3');
    expect(bad.code).toBe(2);
    expect(parseJson<{ error: { message: string } }>(bad).error.message).toMatch(/identityThreshold/);
    const help = (await studio('models', 'set', '--help')).stdout.replace(/\s+/g, ' ');
    expect(help).toContain('--min-short-side <n> thresholds.minShortSide: a whole number, 1 or more (default 800)');
    expect(help).toContain('--enhance-price <number>');
  });

  it('a typo says unknown command with the list of commands; --json usage errors are JSON on stdout', async () => {
    const typo = await studio('stauts', 'tuned');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(
      /unknown command 'stauts'\n\(Did you mean status\?\)\nCommands: models, consent, sources/,
    );
    const json = await studio('--json', 'models', 'list', '--colour');
    expect(json.code).toBe(2);
    expect(parseJson(json)).toEqual({ error: { code: 'usage', message: "unknown option '--colour'" }, exitCode: 2 });
    const help = await studio('--help');
    for (const code of [0, 1, 2, 3, 4, 5, 6, 7, 8, 130])
      expect(help.stdout).toMatch(new RegExp(`^\\s+${code}  \\S`, 'm'));
  });

  it('ends quietly when the reader of its output has gone (EPIPE)', async () => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [cliBin, 'models', 'show', 'tuned'], {
        cwd: dir,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.destroy(); // like `| head -1` exiting before the command writes
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
      });
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(result.stderr).not.toMatch(/EPIPE|Unhandled 'error' event|\n\s+at /);
    expect(result.code).toBe(0);
  });

  it('runs 18 units at --concurrency 16 with no listener warning; resume shows what is left to pay first', async () => {
    const targets = await manyTargets(join(dir, 'many-targets'), 18);
    expect((await studio('models', 'create', 'many')).code).toBe(0);
    expect((await studio('models', 'set', 'many', '--min-short-side', '512')).code).toBe(0);
    expect((await consent('many')).code).toBe(0);
    expect((await studio('sources', 'add', 'many', join(samplesDir, 'grace_hopper.jpg'))).code).toBe(0);
    const imported = await studio(
      '--json',
      'targets',
      'add',
      'many',
      targets,
      '--rating',
      'sfw',
      '--origin',
      'samples',
      '--rights',
      'public domain',
      // Variations of four sample photos: near-duplicates on purpose.
      '--allow-near-duplicates',
    );
    expect(parseJson<{ accepted: number }>(imported).accepted).toBeGreaterThanOrEqual(16);

    const stopped = await studio('--sandbox', '--yes', '--budget', '30', '--concurrency', '16', 'run', 'many');
    expect(stopped.code, stopped.stderr).toBe(4);
    const asked = await studio('--sandbox', 'resume', 'many');
    expect(asked.code).toBe(2); // no terminal and no --yes: it asks, and cannot
    expect(asked.stdout).toMatch(
      /Left to pay: at most \d+ credits \(swap: \d+ × 10 = \d+ credits; enhance: \d+ × 2 = \d+ credits\)/,
    );
    expect(asked.stderr).toMatch(/Continue\?: this needs confirmation/);

    const resumed = await studio('--sandbox', '--yes', '--concurrency', '16', 'resume', 'many');
    expect(resumed.code, resumed.stderr).toBe(0);
    for (const output of [stopped, resumed]) {
      expect(output.stderr).not.toMatch(/MaxListenersExceededWarning|memory leak/);
    }
  }, 240_000);
});

describe('the menu with the bundled 512 px samples', () => {
  let dir: string;
  let pty: PtySession | undefined;

  beforeAll(async () => {
    ensureCliBuilt();
    dir = await mkdtemp(join(tmpdir(), 'cli-first-hour-menu-'));
  });

  afterAll(async () => {
    pty?.kill();
    await rm(dir, { recursive: true, force: true });
  });

  const startMenu = () => {
    const env = cleanEnv();
    delete env.CI;
    pty = startPty([process.execPath, cliBin, '--sandbox', '--workspace', join(dir, 'ws')], { cwd: dir, env });
    return pty;
  };

  it('offers to lower the minimum short side when every photo is too small, instead of asking again forever', async () => {
    const { waitFor, write, exited } = startMenu();
    await waitFor('What would you like to do?');
    write(keys.enter);
    await waitFor('Model name');
    write('small-photos\r');
    await waitFor('Source photos (comma-separated paths or a folder)');
    write(`${join(samplesDir, 'grace_hopper.jpg')}\r`);
    await waitFor('Subject name');
    write('Grace Hopper\r');
    await waitFor('Is the subject an adult');
    write('y');
    await waitFor('Attested by');
    write('operator\r');
    await waitFor('Allowed ratings');
    write(keys.enter);
    await waitFor('Allowed uses');
    write(keys.enter);
    await waitFor('Evidence reference');
    write('e2e\r');
    await waitFor('[too-small]');
    await waitFor('the smallest short side is 512 px, the minimum 800 px');
    await waitFor(/Lower this model's minimum short side to 512 px\?[\s\S]*lower-resolution training data/);
    write('y');
    await waitFor('now accepts photos from 512 px');
    await waitFor('grace_hopper.jpg → small-photos-source-1.jpg');
    await waitFor('Which ratings to process?');
    write('\x03');
    expect(await exited).toBe(130);
    const config = JSON.parse(await readFile(join(dir, 'ws/models/small-photos/config.json'), 'utf8'));
    expect(config.settings.thresholds.minShortSide).toBe(512);
  }, 120_000);

  it('keeps no model whose flow was left before its consent and first photos', async () => {
    const { waitFor, write, exited } = startMenu();
    await waitFor('What would you like to do?');
    write(keys.enter);
    await waitFor('Model name');
    write('left-early\r');
    await waitFor('Source photos (comma-separated paths or a folder)');
    write(`${join(samplesDir, 'grace_hopper.jpg')}\r`);
    await waitFor('Subject name');
    write('\x03');
    await waitFor('Model "left-early" was not kept');
    expect(await exited).toBe(130);
    const registry = JSON.parse(await readFile(join(dir, 'ws/models.json'), 'utf8'));
    expect(registry.models.map((model: { name: string }) => model.name)).toEqual(['small-photos']);
    expect(existsSync(join(dir, 'ws/models/left-early'))).toBe(false);
  }, 120_000);
});
