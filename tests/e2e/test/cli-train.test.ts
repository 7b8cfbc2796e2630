/**
 * `studio dataset build` and `studio train ...` end to end: the built CLI on the bundled samples (results from the
 * in-process MaxStudio sandbox, offline captions and scores), and LoRA training on the RunPod sandbox, which runs in
 * this test's process (real HTTP on 127.0.0.1, pods run a node trainer) so it outlives the CLI. The crash test kills
 * the CLI with SIGKILL while the pod trains; `studio train attach` then reattaches the journaled pod and finishes,
 * with exactly one pod in the sandbox's record.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { type RunpodSandbox, startRunpodSandbox } from '@model-studio/lora-trainer/testing';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cleanEnv, cliBin, ensureCliBuilt, parseJson, prepareSampleModel, runCli } from './helpers/cli-process.js';
import { keys, startPty } from './helpers/cli-pty.js';

let dir: string;
let sandbox: RunpodSandbox;
beforeAll(() => ensureCliBuilt());
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-train-'));
  // Real-time clock (the CLI uses its own), short provisioning and steps.
  sandbox = await startRunpodSandbox({ clockFactor: 1, provisionSeconds: 1, startSeconds: 1, stepSeconds: 0.3 });
});
afterEach(async () => {
  // A finished pod deletes itself (or the runner terminates it) within seconds.
  for (let i = 0; i < 600 && sandbox.livePods().length > 0; i++) await delay(50);
  const live = sandbox.livePods().map((pod) => `${pod.id} ${pod.status}`);
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
  expect(live, 'no pod may be left running').toEqual([]);
}, 60_000);

const env = () => cleanEnv({ RUNPOD_BASE_URL: sandbox.url, RUNPOD_API_KEY: sandbox.apiKey });

/** The bundled samples run, captioned and scored, with consent to train, and dataset v1 built. */
async function datasetModel(model: string, withDataset = true): Promise<void> {
  await prepareSampleModel(model, { cwd: dir, env: env() });
  const consent = ['consent', 'set', model, '--subject', 'Subject', '--adult', '--attested-by', 'operator'];
  const set = await runCli([...consent, '--evidence', 'doc', '--uses', 'swap,train', '--yes'], {
    cwd: dir,
    env: env(),
  });
  expect(set.code, set.stderr).toBe(0);
  const run = await runCli(['--sandbox', 'run', model, '--yes'], { cwd: dir, env: env() });
  expect(run.code, run.stdout + run.stderr).toBe(0);
  const captions = await runCli(['captions', 'generate', model], { cwd: dir, env: env() });
  expect(captions.code, captions.stderr).toBe(0);
  if (!withDataset) return;
  const build = await runCli(
    ['dataset', 'build', model, '--allow-unreviewed', '--min-score', '0.01', '--repeats', '2', '--json'],
    { cwd: dir, env: env() },
  );
  expect(build.code, build.stdout + build.stderr).toBe(0);
  const summary = parseJson<{ selected: string[]; archiveKey: string }>(build);
  expect(summary.selected.length).toBeGreaterThan(0);
  expect((await stat(join(dir, 'studio-workspace', summary.archiveKey))).size).toBeGreaterThan(0);
}

const ledger = async (model: string) =>
  (await readFile(join(dir, 'studio-workspace', 'models', model, 'costs.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { itemId: string; kind: string; amount: number; unitOfAccount: string })
    .filter((entry) => entry.itemId === `${model}:train:v1`);

describe('studio train', () => {
  it('builds a dataset, trains on the RunPod sandbox with progress, records the LoRA version and its cost', async () => {
    await datasetModel('andie');
    const shown = await runCli(['dataset', 'show', 'andie', '--json'], { cwd: dir, env: env() });
    expect(parseJson<{ version: string }>(shown).version).toBe('v1');
    const trained = await runCli(['train', 'start', 'andie', '--steps', '8'], { cwd: dir, env: env() });
    expect(trained.code, trained.stdout + trained.stderr).toBe(0);
    expect(trained.stdout).toMatch(/step \d+\/8/);
    expect(trained.stdout).toMatch(/Reserved \$\d/);
    expect(trained.stdout + trained.stderr).toMatch(/SANDBOX/);
    expect(trained.stdout).toMatch(
      /LoRA \(SANDBOX file\): .*loras\/v1\/pytorch_lora_weights\.safetensors \(\d+ bytes\)/,
    );
    expect(sandbox.created).toHaveLength(1);
    const entries = await ledger('andie');
    expect(entries.map((entry) => entry.kind)).toEqual(['reserved', 'actual']);
    expect(entries.every((entry) => entry.unitOfAccount === 'USD')).toBe(true);
    const status = await runCli(['train', 'status', 'andie', '--json'], { cwd: dir, env: env() });
    const rows = parseJson<{ trainings: { stageId: string; state: string }[] }>(status).trainings;
    expect(rows).toEqual(
      expect.arrayContaining([
        { stageId: 'andie:dataset:v1', state: 'done' },
        { stageId: 'andie:train:v1', state: 'done' },
      ]),
    );
    const versions = parseJson<{ versions: { version: string; sandbox: boolean; final: boolean }[] }>(
      await runCli(['loras', 'list', 'andie', '--json'], { cwd: dir, env: env() }),
    ).versions;
    expect(versions).toEqual([expect.objectContaining({ version: 'v1', sandbox: true, final: false })]);
    const details = parseJson<{ identity?: { note: string; samples: { faces: number }[] } }>(
      await runCli(['loras', 'show', 'andie', 'v1', '--json'], { cwd: dir, env: env() }),
    );
    // The samples' identity against the source face, measured by the quality checker (sandbox: the pipeline only).
    expect(details.identity?.samples.length).toBeGreaterThan(0);
    expect(details.identity?.note).toMatch(/sandbox/i);
    expect((await runCli(['loras', 'promote', 'andie', 'v1'], { cwd: dir, env: env() })).code).toBe(0);
    const copy = join(dir, 'exported.safetensors');
    const exported = await runCli(['loras', 'export', 'andie', 'v1', '--to', copy, '--json'], { cwd: dir, env: env() });
    expect(exported.code, exported.stderr).toBe(0);
    expect((await stat(copy)).size).toBe(parseJson<{ size: number }>(exported).size);
    const preflight = await runCli(['train', 'preflight', 'andie', '--steps', '8', '--json'], { cwd: dir, env: env() });
    expect(parseJson<{ findings: unknown[] }>(preflight).findings.length).toBeGreaterThan(0);
    // Run again: already done, nothing new is created or paid.
    const again = await runCli(['train', 'start', 'andie', '--json'], { cwd: dir, env: env() });
    expect(again.code, again.stderr).toBe(0);
    expect(sandbox.created).toHaveLength(1);
  }, 240_000);

  it('kill -9 of the CLI while the pod trains: `train attach` reattaches and finishes; one pod created', async () => {
    await datasetModel('andie');
    const child = spawn(process.execPath, [cliBin, 'train', 'start', 'andie', '--steps', '40'], {
      cwd: dir,
      env: env(),
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const journal = join(dir, 'studio-workspace', 'models', 'andie', 'progress.jsonl');
    // Killed once the pod trains: the job id is journaled and the pod has uploaded its first training metrics.
    const metrics = join(dir, 'studio-workspace', 'models', 'andie', 'training', 'v1', 'training_metrics.jsonl');
    const training = async () =>
      (await readFile(journal, 'utf8').catch(() => '')).includes('"submitted"') &&
      (await stat(metrics).then(
        () => true,
        () => false,
      ));
    for (let i = 0; i < 2400 && child.exitCode === null && !(await training()); i++) await delay(25);
    expect(child.exitCode).toBeNull();
    child.kill('SIGKILL');
    await exited;
    expect(sandbox.created).toHaveLength(1);
    const status = await runCli(['train', 'status', 'andie', '--json'], { cwd: dir, env: env() });
    const rows = parseJson<{ trainings: { stageId: string; state: string; jobId?: string }[] }>(status).trainings;
    expect(rows.find((row) => row.stageId === 'andie:train:v1')).toMatchObject({
      state: 'in flight',
      jobId: sandbox.created[0]!.id,
    });

    const attached = await runCli(['train', 'attach', 'andie', '--json'], { cwd: dir, env: env() });
    expect(attached.code, attached.stdout + attached.stderr).toBe(0);
    const result = parseJson<{ reattached: boolean; status: string; lora: { path: string; bytes: number } }>(attached);
    expect(result.reattached).toBe(true);
    expect(result.status).toBe('completed');
    expect((await stat(result.lora.path)).size).toBe(result.lora.bytes);
    expect(sandbox.created).toHaveLength(1);
    const entries = await ledger('andie');
    expect(entries.filter((entry) => entry.kind === 'actual')).toHaveLength(1);
  }, 240_000);

  it('a pod that fails is charged and reported; a killed training is cancelled and settled; no consent for train is refused', async () => {
    await datasetModel('andie');
    sandbox.injectPodFault({ kind: 'fails', atStep: 2 });
    const failed = await runCli(['train', 'start', 'andie', '--steps', '8'], { cwd: dir, env: env() });
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toMatch(/failed/);
    expect((await ledger('andie')).map((entry) => entry.kind)).toEqual(['reserved', 'actual']);

    // A training killed while its pod runs, then cancelled: the pod is terminated and its cost settled.
    const child = spawn(process.execPath, [cliBin, 'train', 'start', 'andie', '--lora', 'v3', '--steps', '400'], {
      cwd: dir,
      env: env(),
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const journal = join(dir, 'studio-workspace', 'models', 'andie', 'progress.jsonl');
    for (
      let i = 0;
      i < 2400 && !(await readFile(journal, 'utf8')).includes('"jobId":"' + (sandbox.created[1]?.id ?? '-'));
      i++
    ) {
      await delay(25);
    }
    child.kill('SIGKILL');
    await exited;
    const cancelled = await runCli(['train', 'cancel', 'andie', '--lora', 'v3', '--json'], { cwd: dir, env: env() });
    expect(cancelled.code, cancelled.stdout + cancelled.stderr).toBe(0);
    expect(parseJson<{ cancelled: boolean }>(cancelled).cancelled).toBe(true);
    expect(sandbox.livePods()).toEqual([]);
    const v3 = (await readFile(join(dir, 'studio-workspace', 'models', 'andie', 'costs.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { itemId: string; kind: string })
      .filter((entry) => entry.itemId === 'andie:train:v3');
    expect(v3.map((entry) => entry.kind)).toEqual(['reserved', 'actual']);

    const consent = ['consent', 'set', 'andie', '--subject', 'Subject', '--adult', '--attested-by', 'operator'];
    await runCli([...consent, '--evidence', 'doc', '--uses', 'swap', '--yes'], { cwd: dir, env: env() });
    const refused = await runCli(['train', 'start', 'andie', '--lora', 'v2'], { cwd: dir, env: env() });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/train/);
    expect(sandbox.created).toHaveLength(2);
  }, 240_000);

  it('the menu trains a LoRA: Work with Existing Model > Train a LoRA builds the dataset and trains on the sandbox', async () => {
    await datasetModel('andie', false);
    const menuEnv = cleanEnv();
    delete menuEnv.CI;
    const pty = startPty([process.execPath, cliBin, '--sandbox'], { cwd: dir, env: menuEnv });
    try {
      const { waitFor, write } = pty;
      await waitFor('Exit');
      write(keys.down + keys.enter);
      await waitFor('Which model?');
      write(keys.enter);
      await waitFor('What to do with "andie"?');
      await waitFor('Train a LoRA');
      write(keys.down + keys.down + keys.enter);
      await waitFor('not reviewed yet');
      write('y');
      await waitFor(/Dataset v1: \d+ image\(s\) selected/);
      await waitFor('Train a LoRA on RunPod sandbox');
      write('y');
      await waitFor('Which training engine?');
      write(keys.enter);
      // The preset's 1500 sandbox steps take 50 s at the in-process sandbox's clock x60: more on a loaded machine.
      await waitFor(/LoRA v1 \(SANDBOX file\): .*pytorch_lora_weights\.safetensors \(\d+ bytes\)/, 180_000);
    } finally {
      pty.kill();
    }
    const versions = parseJson<{ versions: { version: string }[] }>(
      await runCli(['loras', 'list', 'andie', '--json'], { cwd: dir, env: env() }),
    ).versions;
    expect(versions.map((version) => version.version)).toEqual(['v1']);
  }, 240_000);
});
