/**
 * "Nothing may be paid for that is bound to fail": the built `studio` command imports through the library's one import
 * verb, with the real quality package (sharp + the face models) and a MaxStudio sandbox in its own process. Every file
 * of a folder is accounted for; SVGs, animations and cut-off files are refused in plain words; duplicates and another
 * person's photos are refused; a photo over the provider's pixel limit is scaled down before it can be paid for; and a
 * failure that will repeat is not offered for a (paid) retry. Bad files are generated with sharp: no shared fixtures.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CliResult,
  cleanEnv,
  ensureCliBuilt,
  parseJson,
  runCli,
  type SandboxProcess,
  samplesDir,
  startSandboxProcess,
} from './helpers/cli-process.js';

const apiKey = 'sk-e2e-import-safety-4b1d';

interface ImportJson {
  accepted: number;
  faceSummary: string;
  results: {
    name: string;
    accepted: boolean;
    key?: string;
    width?: number;
    height?: number;
    faces?: number;
    duplicateOf?: string;
    warnings?: { code: string; message: string }[];
    reason?: { code: string; message: string; category: string };
  }[];
  skipped: { name: string; reason: { code: string } }[];
  hidden: number;
}

describe('studio sources/targets add: the library’s import checks, before anything is paid', () => {
  let dir: string;
  let sandbox: SandboxProcess;
  let env: NodeJS.ProcessEnv;
  const studio = (...args: string[]): Promise<CliResult> => runCli(args, { cwd: dir, env });
  const json = async (...args: string[]) => {
    const result = await studio('--json', ...args);
    return { code: result.code, stderr: result.stderr, data: parseJson<ImportJson>(result) };
  };
  const sample = (name: string) => join(samplesDir, name);
  const provenance = ['--rating', 'sfw', '--origin', 'bundled samples', '--rights', 'public domain'];

  beforeAll(async () => {
    ensureCliBuilt();
    dir = await mkdtemp(join(tmpdir(), 'cli-import-safety-'));
    sandbox = await startSandboxProcess({ apiKey, jobMs: 100 });
    env = cleanEnv({ MAXSTUDIO_BASE_URL: sandbox.url, MAXSTUDIO_API_KEY: apiKey, STUDIO_WORKSPACE: join(dir, 'ws') });
    // The bundled samples are 512-682 px: the model accepts a 512 px short side, like the demo's.
    expect((await studio('models', 'create', 'safe', '--min-short-side', '512')).code).toBe(0);
    const consent = await studio(
      ...['consent', 'set', 'safe', '--subject', 'Grace Hopper (public-domain sample)', '--adult'],
      ...['--attested-by', 'e2e', '--ratings', 'sfw', '--uses', 'swap', '--evidence', 'public domain'],
    );
    expect(consent.code, consent.stderr).toBe(0);
  }, 60_000);

  afterAll(async () => {
    await sandbox?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('accounts for every file of a folder: refusals in plain words, skipped files, hidden ones counted', async () => {
    const folder = join(dir, 'sources');
    await mkdir(folder);
    await copyFile(sample('grace_hopper.jpg'), join(folder, 'grace.jpg'));
    await writeFile(
      join(folder, 'drawing.jpg'),
      '<svg xmlns="http://www.w3.org/2000/svg" width="900" height="900"><circle cx="450" cy="450" r="400"/></svg>',
    );
    const frames = await Promise.all(
      ['#c33', '#3c3', '#33c'].map((background) =>
        sharp({ create: { width: 600, height: 600, channels: 3, background } })
          .png()
          .toBuffer(),
      ),
    );
    await writeFile(
      join(folder, 'wave.gif'),
      await sharp(frames, { join: { animated: true } })
        .gif()
        .toBuffer(),
    );
    const whole = await readFile(sample('grace_hopper.jpg'));
    await writeFile(join(folder, 'cut-off.jpg'), whole.subarray(0, Math.round(whole.length / 3)));
    await writeFile(join(folder, 'notes.txt'), 'shoot on Tuesday');
    await writeFile(join(folder, '.DS_Store'), 'finder');

    const added = await studio('sources', 'add', 'safe', folder);
    expect(added.code, added.stderr).toBe(0);
    const lines = added.stdout.split('\n');
    const line = (name: string) => lines.filter((text) => text.includes(`${name}:`) || text.includes(`${name} →`));
    expect(line('grace.jpg')).toEqual([expect.stringContaining('grace.jpg → safe-source-1.jpg')]);
    expect(line('drawing.jpg')).toEqual([expect.stringMatching(/SVG drawing.*\[unsupported-format\]$/)]);
    expect(line('wave.gif')).toEqual([expect.stringMatching(/animated GIF \(3 frames\).*\[animated\]$/)]);
    expect(line('cut-off.jpg')).toEqual([expect.stringMatching(/damaged or cut off.*\[unreadable\]$/)]);
    expect(line('notes.txt')).toEqual([expect.stringMatching(/skipped: a txt file.*\[not-an-image\]$/)]);
    expect(added.stdout).toMatch(/1 hidden file\(s\) ignored/);
    // Only grace.jpg reached face detection; the others were refused before it.
    expect(added.stdout).toContain('Face detected in 1/1 source photos');
    expect(added.stdout + added.stderr).not.toMatch(/checkFile|Vips|Run check/);
  }, 60_000);

  it('refuses a source of another person (the real identity check), and accepts the subject in another photo', async () => {
    const { code, data } = await json(
      'sources',
      'add',
      'safe',
      sample('targets/astronaut.png'),
      sample('targets/grace_hopper_tilt25.jpg'),
    );
    expect(code).toBe(0);
    expect(data.results.map((result) => result.accepted)).toEqual([false, true]);
    expect(data.results[0]!.reason).toMatchObject({ code: 'different-person', category: 'consent' });
    expect(data.results[0]!.reason!.message).toMatch(/different person from safe-source-1\.jpg/);
    expect(data.results[1]!.key).toBe('models/safe/source/safe-source-2.jpg');
  }, 60_000);

  it('refuses the same photo again, naming the stored one; byte-identical targets in one batch too', async () => {
    const again = await json('sources', 'add', 'safe', sample('grace_hopper.jpg'));
    expect(again.code).toBe(2);
    expect(again.data.results[0]).toMatchObject({ accepted: false, duplicateOf: 'safe-source-1.jpg' });
    expect(again.data.results[0]!.reason).toMatchObject({ code: 'duplicate', category: 'duplicate' });
    expect(again.data.results[0]!.reason!.message).toContain('same photo as safe-source-1.jpg');

    const copy = join(dir, 'astronaut-copy.png');
    await copyFile(sample('targets/astronaut.png'), copy);
    const targets = await json('targets', 'add', 'safe', `${sample('targets/astronaut.png')},${copy}`, ...provenance);
    expect(targets.code, targets.stderr).toBe(0);
    expect(targets.data.results.map((result) => result.reason?.code ?? result.key)).toEqual([
      'models/safe/targets/sfw/safe-t001.jpg',
      'duplicate',
    ]);
    expect(targets.data.results[1]!.duplicateOf).toBe('safe-t001.jpg');
    expect(targets.data.faceSummary).toBe('Face detected in 1/1 targets');
  }, 60_000);

  it('refuses a near-duplicate (resized, re-compressed) unless --allow-near-duplicates, then warns', async () => {
    const resized = join(dir, 'astronaut-resized.jpg');
    await sharp(await readFile(sample('targets/astronaut.png')))
      .resize(700)
      .jpeg({ quality: 70 })
      .toFile(resized);
    const refused = await json('targets', 'add', 'safe', resized, ...provenance);
    expect(refused.code).toBe(2);
    expect(refused.data.results[0]).toMatchObject({
      accepted: false,
      duplicateOf: 'safe-t001.jpg',
      reason: { code: 'near-duplicate', category: 'duplicate' },
    });
    const allowed = await json('targets', 'add', 'safe', resized, ...provenance, '--allow-near-duplicates');
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.data.results[0]).toMatchObject({ accepted: true, warnings: [{ code: 'near-duplicate' }] });
  }, 60_000);

  it('scales an 8000x8000 target to the pixel limit before it can be paid for', async () => {
    const huge = join(dir, 'grace-8000.jpg');
    await sharp(await readFile(sample('targets/grace_hopper_tilt25.jpg')))
      .resize(8000, 8000)
      .jpeg({ quality: 80 })
      .toFile(huge);
    const { code, data, stderr } = await json('targets', 'add', 'safe', huge, ...provenance);
    expect(code, stderr).toBe(0);
    expect(data.results[0]).toMatchObject({ accepted: true, width: 4096, height: 4096, faces: 1 });
    const stored = await readFile(join(dir, 'ws', data.results[0]!.key!));
    expect(stored.length).toBeLessThanOrEqual(5_000_000);
    expect(await sharp(stored).metadata()).toMatchObject({ format: 'jpeg', width: 4096, height: 4096 });
  }, 120_000);

  it('does not offer a paid retry when every failure will repeat (the provider refused the job)', async () => {
    await sandbox.setFaults({ rules: [{ kind: 'job-fails', on: 'swap' }] });
    const run = await studio('--yes', 'run', 'safe');
    expect(run.code, run.stderr).toBe(6);
    expect(run.stdout).toMatch(/Failed: \d+/);
    expect(run.stdout).not.toMatch(/Retry the failed units/);
    await sandbox.setFaults({});
  }, 120_000);
});
