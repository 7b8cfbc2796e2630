/**
 * `studio captions ...` end to end: the built CLI on the bundled samples, results from the MaxStudio sandbox, and
 * captions from the offline captioner or a paid Hugging Face VLM emulated by the caption sandbox (real HTTP on
 * 127.0.0.1, in this test's process so it outlives the CLI). The crash test kills the CLI with SIGKILL while a paid
 * caption is in flight and checks that every image ends with exactly one caption and that the ledger matches the
 * sandbox's own count of paid calls.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { type CaptionSandbox, startCaptionSandbox } from '@model-studio/captioning/testing';
import type { CaptionEntry, ModelCosts, ModelStatus } from '@model-studio/core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cleanEnv, cliBin, ensureCliBuilt, parseJson, prepareSampleModel, runCli } from './helpers/cli-process.js';
import { keys, startPty } from './helpers/cli-pty.js';

let dir: string;
beforeAll(() => ensureCliBuilt());
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-captions-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const units = 3; // the bundled samples: 1 source x 3 targets with a face
const enhancedDir = (model: string) =>
  join(dir, 'studio-workspace', 'models', model, 'results', 'sfw', 'source_1', 'enhanced');
const captionFile = (model: string, target: number) =>
  join(enhancedDir(model), `${model}-s1-t00${target}-sfw-enhanced.txt`);

/** A model with train consent and its three results enhanced by the in-process MaxStudio sandbox. */
async function enhancedModel(model: string, env = cleanEnv()): Promise<void> {
  await prepareSampleModel(model, { cwd: dir, env });
  const consent = ['consent', 'set', model, '--subject', 'Subject', '--adult', '--attested-by', 'operator'];
  expect(
    (await runCli([...consent, '--evidence', 'doc', '--uses', 'swap,train', '--yes'], { cwd: dir, env })).code,
  ).toBe(0);
  const run = await runCli(['--sandbox', 'run', model, '--yes'], { cwd: dir, env });
  expect(run.code, run.stdout + run.stderr).toBe(0);
}

describe('studio captions', () => {
  it('generates, lists, previews, replaces, edits and undoes captions from scripts', async () => {
    const env = cleanEnv();
    await enhancedModel('cap', env);
    const generate = await runCli(['captions', 'generate', 'cap', '--json'], { cwd: dir, env });
    expect(generate.code, generate.stderr).toBe(0);
    expect(parseJson<{ captions: number }>(generate).captions).toBe(units);
    const first = await readFile(captionFile('cap', 1), 'utf8');
    expect(first).toMatch(/^a photo of cap, person, /);

    const list = parseJson<{ captions: (CaptionEntry & { check: { valid: boolean } })[] }>(
      await runCli(['captions', 'list', 'cap', '--json'], { cwd: dir, env }),
    );
    expect(list.captions).toHaveLength(units);
    expect(list.captions.every((caption) => caption.state === 'generated' && caption.check.valid)).toBe(true);

    const preview = await runCli(['captions', 'replace', 'cap', 'person', 'woman', '--dry-run', '--json'], {
      cwd: dir,
      env,
    });
    const changes = parseJson<{ dryRun: boolean; changes: { after: string }[] }>(preview);
    expect(changes.dryRun).toBe(true);
    expect(changes.changes).toHaveLength(units);
    expect(await readFile(captionFile('cap', 1), 'utf8')).toBe(first);
    const applied = await runCli(
      ['captions', 'replace', 'cap', 'person', 'woman', '--name', 'cap-s1-t001-sfw-enhanced.jpg'],
      {
        cwd: dir,
        env,
      },
    );
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/1 caption\(s\) changed/);
    expect(await readFile(captionFile('cap', 1), 'utf8')).toBe(first.replace('person', 'woman'));
    expect((await runCli(['captions', 'undo', 'cap'], { cwd: dir, env })).code).toBe(0);
    expect(await readFile(captionFile('cap', 1), 'utf8')).toBe(first);

    const edit = await runCli(
      ['captions', 'edit', 'cap', 'cap-s1-t002-sfw-enhanced.jpg', 'a photo of cap, person, by hand'],
      {
        cwd: dir,
        env,
      },
    );
    expect(edit.code).toBe(0);
    const edited = parseJson<{ captions: CaptionEntry[] }>(
      await runCli(['captions', 'list', 'cap', '--state', 'edited', '--json'], { cwd: dir, env }),
    );
    expect(edited.captions.map((caption) => [caption.name, caption.source.kind])).toEqual([
      ['cap-s1-t002-sfw-enhanced.jpg', 'person'],
    ]);
    // Generating again writes nothing: every image has its caption, and the person's stays.
    expect(
      parseJson<{ summary: { total: number } }>(
        await runCli(['captions', 'generate', 'cap', '--json'], { cwd: dir, env }),
      ).summary.total,
    ).toBe(0);
    expect(await readFile(captionFile('cap', 2), 'utf8')).toBe('a photo of cap, person, by hand');

    const bad = await runCli(['captions', 'replace', 'cap', '(', 'x'], { cwd: dir, env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Not a valid regular expression/);
    const review = await runCli(['captions', 'review', 'cap'], { cwd: dir, env });
    expect(review.code).toBe(2);
    expect(review.stderr).toMatch(/needs a terminal/);
  }, 240_000);

  it('walks the unreviewed captions at a terminal: accept, edit inline, edit in $EDITOR', async () => {
    const env = cleanEnv();
    await enhancedModel('walk', env);
    expect((await runCli(['captions', 'generate', 'walk'], { cwd: dir, env })).code).toBe(0);
    const terminal: NodeJS.ProcessEnv = {
      ...env,
      EDITOR: `sh -c 'printf "a photo of walk, person, from the editor" > "$0"'`,
    };
    delete terminal.CI;
    const pty = startPty([process.execPath, cliBin, 'captions', 'review', 'walk'], { cwd: dir, env: terminal });
    try {
      await pty.waitFor('1/3');
      await pty.waitFor('Accept as it is');
      pty.write(keys.enter);
      await pty.waitFor('2/3');
      await pty.waitFor('Edit here');
      pty.write(keys.down + keys.enter);
      await pty.waitFor('Caption:');
      pty.write(', by hand\r');
      await pty.waitFor('3/3');
      await pty.waitFor('Edit in $EDITOR');
      pty.write(keys.down + keys.down + keys.enter);
      await pty.waitFor('1 accepted, 2 edited');
      expect(await pty.exited).toBe(0);
    } finally {
      pty.kill();
    }
    const captions = parseJson<{ captions: CaptionEntry[] }>(
      await runCli(['captions', 'list', 'walk', '--json'], { cwd: dir, env }),
    ).captions;
    expect(captions.map((caption) => caption.state)).toEqual(['reviewed', 'edited', 'edited']);
    expect(captions[1]!.text).toMatch(/, by hand$/);
    expect(captions[2]!.text).toBe('a photo of walk, person, from the editor');
    expect(await readFile(captionFile('walk', 3), 'utf8')).toBe('a photo of walk, person, from the editor');
  }, 240_000);

  it('refuses to caption without consent to train (exit 3), naming what is missing', async () => {
    const env = cleanEnv();
    await prepareSampleModel('nocap', { cwd: dir, env });
    expect((await runCli(['--sandbox', 'run', 'nocap', '--yes'], { cwd: dir, env })).code).toBe(0);
    const refused = await runCli(['captions', 'generate', 'nocap'], { cwd: dir, env });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/train/);
    expect(existsSync(captionFile('nocap', 1))).toBe(false);
  }, 180_000);

  describe('after kill -9 mid-batch with a paid captioner', () => {
    let sandbox: CaptionSandbox;
    beforeEach(async () => {
      sandbox = await startCaptionSandbox({ latencyMs: 600 });
    });
    afterEach(async () => {
      await sandbox.close();
    });

    it('gives every image exactly one caption and a ledger that matches the paid calls', async () => {
      const env = cleanEnv({ HF_TOKEN: sandbox.accessToken, HF_ENDPOINT_URL: sandbox.url });
      await enhancedModel('paid', env);
      const args = ['--concurrency', '1', 'captions', 'generate', 'paid', '--captioner', 'hf', '--yes'];
      // Killed once the second paid call has reached the sandbox (and been answered, to a process about to die).
      const child = spawn(process.execPath, [cliBin, ...args], { cwd: dir, env, stdio: 'ignore' });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      while (sandbox.paidCalls() < 2 && child.exitCode === null) await delay(5);
      child.kill('SIGKILL');
      await exited;
      while (!sandbox.requests().every((request) => request.finished)) await delay(20);

      const resumed = await runCli(['captions', 'generate', 'paid', '--captioner', 'hf', '--yes', '--json'], {
        cwd: dir,
        env,
      });
      expect([0, 6]).toContain(resumed.code);
      // A call whose answer the killed process never stored is uncertain: the sandbox answered it, so it was charged.
      const status = parseJson<{ status: ModelStatus }>(
        await runCli(['status', 'paid', '--json'], { cwd: dir, env }),
      ).status;
      for (const stageId of status.uncertain) {
        const settled = await runCli(['costs', 'settle', stageId, '--charged'], { cwd: dir, env });
        expect(settled.code, settled.stdout + settled.stderr).toBe(0);
      }
      const last = await runCli(['captions', 'generate', 'paid', '--captioner', 'hf', '--yes', '--json'], {
        cwd: dir,
        env,
      });
      expect(last.code, last.stdout + last.stderr).toBe(0);

      const captions = parseJson<{ captions: CaptionEntry[] }>(
        await runCli(['captions', 'list', 'paid', '--json'], { cwd: dir, env }),
      ).captions;
      expect(captions).toHaveLength(units);
      for (const caption of captions) {
        expect(caption.history).toEqual([]); // written once
        expect(caption.source).toMatchObject({ kind: 'captioner' });
        expect(caption.text).toMatch(/paid/);
      }
      for (let target = 1; target <= units; target++) expect(existsSync(captionFile('paid', target))).toBe(true);
      const costs = parseJson<ModelCosts>(await runCli(['costs', 'paid', '--json'], { cwd: dir, env }));
      const caption = costs.summary.rows.filter((row) => row.op === 'caption');
      const charged = caption.reduce((sum, row) => sum + row.actualCount, 0);
      expect(charged).toBe(sandbox.paidCalls());
      expect(caption.reduce((sum, row) => sum + row.uncertain + row.reserved, 0)).toBe(0);
    }, 300_000);
  });
});
