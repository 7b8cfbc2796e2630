import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, cliBin, ensureCliBuilt, samplesDir } from './helpers/cli-process.js';
import { keys, type PtySession, startPty } from './helpers/cli-pty.js';
import { listFiles, resultPath } from './helpers/cli-workspace.js';
import { repoRoot } from './helpers/repo.js';

/** sharp, as the quality package resolves it (the e2e package does not depend on it directly). */
const sharp = createRequire(join(repoRoot, 'packages', 'quality', 'package.json'))('sharp') as (input: string) => {
  resize(width: number, height: number): { jpeg(): { toFile(path: string): Promise<unknown> } };
};

/** Copies of the bundled samples enlarged to 1024 px: a model created in the menu keeps the default 800 px minimum. */
async function enlargedSamples(dir: string): Promise<{ source: string; targets: string; nsfwTarget: string }> {
  await mkdir(join(dir, 'targets'), { recursive: true });
  const copy = (from: string, to: string, width: number, height: number) =>
    sharp(join(samplesDir, from)).resize(width, height).jpeg().toFile(join(dir, to));
  await Promise.all([
    copy('grace_hopper.jpg', 'source.jpg', 1024, 1024),
    copy('targets/astronaut.png', 'targets/astronaut.jpg', 1024, 1024),
    copy('targets/grace_hopper_tilt25.jpg', 'targets/tilt.jpg', 1024, 1024),
    copy('targets/coffee.jpg', 'targets/coffee.jpg', 1200, 800),
    copy('targets/astronaut.png', 'nsfw-target.jpg', 1024, 1024),
  ]);
  return { source: join(dir, 'source.jpg'), targets: join(dir, 'targets'), nsfwTarget: join(dir, 'nsfw-target.jpg') };
}

describe('the interactive menu through a pseudo-terminal', () => {
  let dir: string;
  let pty: PtySession | undefined;
  let photos: Awaited<ReturnType<typeof enlargedSamples>>;

  beforeAll(async () => {
    ensureCliBuilt();
    dir = await mkdtemp(join(tmpdir(), 'cli-menu-'));
    photos = await enlargedSamples(join(dir, 'photos'));
  });

  afterAll(async () => {
    pty?.kill();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a model, records consent, imports, runs, offers the SFW folder, lists models and exits', async () => {
    const env = cleanEnv();
    delete env.CI;
    pty = startPty([process.execPath, cliBin, '--sandbox', '--workspace', join(dir, 'ws')], { cwd: dir, env });
    const { waitFor, write } = pty;

    await waitFor('SANDBOX');
    const menu = await waitFor('Exit');
    expect(menu).toMatch(/Create New Model[\s\S]*Work with Existing Model[\s\S]*View All Models[\s\S]*Exit/);
    write(keys.enter);

    await waitFor('Model name');
    write('Bad Name\r');
    await waitFor('lower-case letters (a-z), digits and hyphens');
    write(keys.backspace.repeat(8) + 'menu-model\r');
    await waitFor('Created model "menu-model"');

    await waitFor('Source photos (comma-separated paths or a folder)');
    write(`${photos.source}\r`);
    await waitFor('Consent record');
    await waitFor('Subject name');
    write('Menu Subject\r');
    await waitFor('Is the subject an adult');
    write('y');
    await waitFor('Attested by');
    write('operator, ID checked\r');
    await waitFor('Allowed ratings');
    write(keys.down + keys.space + keys.enter);
    await waitFor('Allowed uses');
    write(keys.down + keys.space + keys.enter); // swap (preselected) and train: the captions need it
    await waitFor('Evidence reference');
    write('contracts/menu.pdf\r');
    await waitFor('source.jpg → menu-model-source-1.jpg');
    await waitFor('Accepted 1/1 source photo(s)');

    await waitFor('Which ratings to process?');
    write(keys.enter);
    await waitFor('Target photos for sfw');
    write(`${photos.targets}\r`);
    await waitFor('Where did these photos come from?');
    write(keys.enter);
    await waitFor('rights');
    write('public domain samples\r');
    const faceLine = /Face detected in (\d)\/3 targets/.exec(await waitFor(/Face detected in \d\/3 targets/));
    const units = Number(faceLine![1]);
    await waitFor('Estimated cost');
    await waitFor('Continue? [Y/n]');
    write('y');
    await waitFor('[SANDBOX] Summary for model "menu-model"');
    await waitFor(`Successful: ${units}/${units} units verified`);
    await waitFor('Credits used');

    await waitFor('What would you like to do?');
    write(keys.down + keys.enter);
    await waitFor('Which model?');
    write(keys.enter);
    await waitFor('What to do with "menu-model"?');
    write(keys.enter);
    await waitFor('Add source photos?');
    write('n');
    await waitFor('Consent on record: Menu Subject');
    await waitFor('Which ratings to process?');
    write(keys.space + keys.down + keys.space + keys.enter);
    await waitFor('Target photos for nsfw');
    write(`${photos.nsfwTarget}\r`);
    await waitFor('Where did these photos come from?');
    write(keys.enter);
    await waitFor('rights');
    write('licensed, model release on file\r');
    await waitFor('adult who consented?');
    write('y');
    await waitFor('Face detected in 1/1 targets');
    await waitFor('Continue? [Y/n]');
    write('y');
    await waitFor('1/1 units verified');
    await waitFor('Process SFW folder too? [Y/n]');
    write('y');
    await waitFor('Continue? [Y/n]');
    write('y');
    await waitFor(`${units}/${units} units verified (${units} done earlier)`);

    // Work with Existing Model > Captions > Generate (the offline captioner: no captioner is configured), then back.
    await waitFor('What would you like to do?');
    write(keys.down + keys.enter);
    await waitFor('Which model?');
    write(keys.enter);
    await waitFor('What to do with "menu-model"?');
    write(keys.down + keys.enter);
    await waitFor('Captions of "menu-model" (0 written');
    write(keys.enter);
    await waitFor(`${units + 1} caption(s) written, 0 failed`);
    await waitFor(`Captions of "menu-model" (${units + 1} written, ${units + 1} not reviewed yet)`);
    write(keys.down + keys.down + keys.down + keys.enter);

    await waitFor('What would you like to do?');
    write(keys.down + keys.down + keys.enter);
    await waitFor('menu-model: 1 source(s)');
    await waitFor('What would you like to do?');
    write(keys.down + keys.down + keys.down + keys.enter);
    await waitFor('Goodbye');
    expect(await pty.exited).toBe(0);
    if (process.env.CLI_PTY_DUMP) await writeFile(process.env.CLI_PTY_DUMP, pty.screen());

    const files = await listFiles(join(dir, 'ws'));
    expect(files).toContain('models/menu-model/source/menu-model-source-1.jpg');
    const enhanced = files.filter((file) => file.includes('/enhanced/') && file.endsWith('.jpg'));
    expect(enhanced).toHaveLength(units + 1);
    const captions = files.filter((file) => file.includes('/enhanced/') && file.endsWith('.txt'));
    expect(captions.sort()).toEqual(enhanced.map((file) => file.replace(/\.jpg$/, '.txt')).sort());
    for (const file of files.filter((file) => file.includes('/results/') && file.endsWith('.jpg'))) {
      expect(file).toMatch(resultPath);
    }
    const config = JSON.parse(await readFile(join(dir, 'ws/models/menu-model/config.json'), 'utf8'));
    expect(config.consent).toMatchObject({
      subject: 'Menu Subject',
      adultAttested: true,
      allowedRatings: ['sfw', 'nsfw'],
      allowedUses: ['swap', 'train'],
      evidenceRef: 'contracts/menu.pdf',
    });
    expect(config.targets.nsfw[0]).toMatchObject({
      adultsConsented: true,
      rightsStatement: 'licensed, model release on file',
    });
  }, 170_000);
});
