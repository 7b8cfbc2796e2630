/**
 * `studio train ... --engine ai-toolkit` end to end: the built CLI on the bundled samples, training on the RunPod
 * sandbox (in this test's process, real HTTP on 127.0.0.1) whose pod plays ai-toolkit (its YAML config, its
 * `<name>_<step>.safetensors` checkpoints and `<ms>__<step>_<i>.jpg` samples, its training bar). The pre-flight says
 * the prototype's rank 16 is ~172 MB and offers rank 8; the CLI is killed with SIGKILL while the pod trains and
 * `train attach` finishes with one pod; a SimpleTuner version of the same dataset compares with it across engines.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { type RunpodSandbox, startRunpodSandbox } from '@model-studio/lora-trainer/testing';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cleanEnv, cliBin, ensureCliBuilt, parseJson, prepareSampleModel, runCli } from './helpers/cli-process.js';

let dir: string;
let sandbox: RunpodSandbox;
beforeAll(() => ensureCliBuilt());
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-aitk-'));
  sandbox = await startRunpodSandbox({ clockFactor: 1, provisionSeconds: 1, startSeconds: 1, stepSeconds: 0.3 });
});
afterEach(async () => {
  for (let i = 0; i < 600 && sandbox.livePods().length > 0; i++) await delay(50);
  const live = sandbox.livePods().map((pod) => `${pod.id} ${pod.status}`);
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
  expect(live, 'no pod may be left running').toEqual([]);
}, 60_000);

const env = () => cleanEnv({ RUNPOD_BASE_URL: sandbox.url, RUNPOD_API_KEY: sandbox.apiKey });
const cli = (args: string[]) => runCli(args, { cwd: dir, env: env() });

async function datasetModel(model: string): Promise<void> {
  await prepareSampleModel(model, { cwd: dir, env: env() });
  const consent = ['consent', 'set', model, '--subject', 'Subject', '--adult', '--attested-by', 'operator'];
  expect((await cli([...consent, '--evidence', 'doc', '--uses', 'swap,train', '--yes'])).code).toBe(0);
  const run = await runCli(['--sandbox', 'run', model, '--yes'], { cwd: dir, env: env() });
  expect(run.code, run.stdout + run.stderr).toBe(0);
  expect((await cli(['captions', 'generate', model])).code).toBe(0);
  const build = await cli(['dataset', 'build', model, '--allow-unreviewed', '--min-score', '0.01', '--repeats', '2']);
  expect(build.code, build.stdout + build.stderr).toBe(0);
}

describe('studio train --engine ai-toolkit', () => {
  it('pre-flight per engine, then kill -9 while the pod trains, attach finishes (one pod), compare across engines', async () => {
    await datasetModel('andie');
    const bad = await cli(['train', 'engine-typo', 'andie']);
    expect(bad.code).not.toBe(0);
    const wrongEngine = await cli(['train', 'start', 'andie', '--engine', 'kohya']);
    expect(wrongEngine.code).not.toBe(0);
    expect(wrongEngine.stderr).toMatch(/expected simpletuner or ai-toolkit/);

    // The prototype's rank 16 on every FLUX linear layer: over 100 MB, with what fits.
    const preflight = await cli(['train', 'preflight', 'andie', '--engine', 'ai-toolkit', '--json']);
    expect(preflight.code).not.toBe(0);
    const report = parseJson<{ engine: string; findings: { check: string; severity: string; fix: string }[] }>(
      preflight,
    );
    expect(report.engine).toBe('ai-toolkit');
    const size = report.findings.find((finding) => finding.check === 'lora-size');
    expect(size).toMatchObject({ severity: 'error' });
    expect(size?.fix).toMatch(/network\.linear 8 .*~86 MB/);
    const fits = await cli(['train', 'preflight', 'andie', '--engine', 'ai-toolkit', '--rank', '8', '--json']);
    expect(parseJson<{ findings: { check: string }[] }>(fits).findings.map((f) => f.check)).not.toContain('lora-size');

    const child = spawn(
      process.execPath,
      [cliBin, 'train', 'start', 'andie', '--engine', 'ai-toolkit', '--rank', '8', '--steps', '60'],
      { cwd: dir, env: env(), stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    // Killed once the pod trains and has uploaded its first console and metrics.
    const uploaded = join(dir, 'studio-workspace', 'models', 'andie', 'training', 'v1', 'train.log');
    const training = async () =>
      sandbox.created[0]?.status === 'RUNNING' &&
      (await stat(uploaded).then(
        () => true,
        () => false,
      ));
    for (let i = 0; i < 2400 && child.exitCode === null && !(await training()); i++) await delay(25);
    expect(child.exitCode, stderr).toBeNull();
    child.kill('SIGKILL');
    await exited;
    expect(sandbox.created).toHaveLength(1);
    expect(sandbox.created[0]!.request.args).toMatch(/python run\.py \/workspace\/run\/config\.yaml/);

    const attached = await cli(['train', 'attach', 'andie', '--json']);
    expect(attached.code, attached.stdout + attached.stderr).toBe(0);
    const result = parseJson<{
      reattached: boolean;
      status: string;
      engine: string;
      lora: { path: string; bytes: number };
    }>(attached);
    expect(result).toMatchObject({ reattached: true, status: 'completed', engine: 'ai-toolkit' });
    expect(result.lora.path).toMatch(/loras\/v1\/andie_flux_lora\.safetensors$/);
    expect((await stat(result.lora.path)).size).toBe(result.lora.bytes);
    expect(sandbox.created).toHaveLength(1);
    // 60 steps: a checkpoint every fifth of the run (12, 24, 36, 48).
    const checkpoints = join(dir, 'studio-workspace', 'models', 'andie', 'loras', 'v1', 'checkpoints');
    expect((await stat(join(checkpoints, 'andie_flux_lora_000000012.safetensors'))).size).toBeGreaterThan(0);

    const simple = await cli(['train', 'start', 'andie', '--lora', 'v2', '--steps', '8', '--json']);
    expect(simple.code, simple.stdout + simple.stderr).toBe(0);
    expect(parseJson<{ engine: string }>(simple).engine).toBe('simpletuner');
    const mixed = await cli(['train', 'start', 'andie', '--lora', 'v2', '--engine', 'ai-toolkit']);
    expect(mixed.code).not.toBe(0);
    expect(mixed.stderr).toMatch(/was started with simpletuner/);

    const compared = await cli(['loras', 'compare', 'andie', 'v1', 'v2', '--json']);
    expect(compared.code, compared.stdout + compared.stderr).toBe(0);
    const comparison = parseJson<{ engines: { a: string; b: string }; configDiff: { key: string }[] }>(compared);
    expect(comparison.engines).toEqual({ a: 'ai-toolkit', b: 'simpletuner' });
    expect(comparison.configDiff[0]).toMatchObject({ key: 'engine', a: 'ai-toolkit', b: 'simpletuner' });
  }, 240_000);
});
