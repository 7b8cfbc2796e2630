import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWorkspace, storageKeys } from '@model-studio/core';
import { recordLoraVersion } from '@model-studio/lora-trainer';
import { type SandboxSampleSchedule, sandboxCheckpointFiles } from '@model-studio/lora-trainer/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../src/program.js';

const samples = join(import.meta.dirname, '..', 'samples');
const steps = [100, 200, 300, 400, 500, 600];
let dir: string;

/** Runs `studio <args>` in this process and returns what it printed and its exit code. */
async function studio(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  const before = process.exitCode;
  try {
    await main(['node', 'studio', '--workspace', join(dir, 'ws'), ...args]);
    return { code: Number(process.exitCode ?? 0), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = before;
  }
}

/** A sandbox version whose samples (Grace Hopper's portrait blended with noise) follow `schedule`. */
async function recordSandboxVersion(
  storage: import('@model-studio/core').Storage,
  version: string,
  schedule: SandboxSampleSchedule,
  versionSteps = steps,
  faceInDataset = false,
): Promise<void> {
  const face = new Uint8Array(await readFile(join(samples, 'grace_hopper.jpg')));
  const dataset = [
    new Uint8Array(await readFile(join(samples, 'targets', 'astronaut.png'))),
    new Uint8Array(await readFile(join(samples, 'targets', 'coffee.jpg'))),
  ];
  const files = sandboxCheckpointFiles({
    face,
    dataset,
    steps: versionSteps,
    schedule,
    samplesPerStep: 1,
    size: 192,
    faceInDataset,
  });
  if (faceInDataset) dataset.unshift(face);
  const metrics = versionSteps
    .map((step) => JSON.stringify({ step, metrics: { train_loss: 0.4 - step / 2000 } }))
    .join('\n');
  await recordLoraVersion({
    storage,
    model: 'andie',
    version,
    family: 'flux',
    config: { lora_rank: 4 },
    datasetManifest: { version: `d-${version}` },
    artifacts: [
      ...files.filter((file) => !file.name.startsWith('checkpoints/')),
      { name: 'training_metrics.jsonl', bytes: new TextEncoder().encode(metrics) },
    ],
  });
  for (const file of files.filter((f) => f.name.startsWith('checkpoints/'))) {
    await storage.put(storageKeys.lora('andie', version, file.name), file.bytes);
  }
  for (const [n, bytes] of dataset.entries()) {
    const kind = bytes[0] === 0x89 ? 'png' : 'jpg';
    await storage.put(storageKeys.dataset('andie', `d-${version}`, `simpletuner/images/andie-${n}.${kind}`), bytes);
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loras-best-'));
  const workspace = await openWorkspace({ root: join(dir, 'ws') });
  try {
    await workspace.createModel('andie');
    const storage = workspace.storage;
    await storage.put(
      storageKeys.source('andie', 1),
      new Uint8Array(await readFile(join(samples, 'grace_hopper.jpg'))),
    );
    // v1: cleanest at step 300, collapsed from 600 on. v2: step 300 copies a dataset image, 400 on collapsed.
    await recordSandboxVersion(storage, 'v1', { peakStep: 300, collapseStep: 600, spread: 400 });
    await recordSandboxVersion(storage, 'v2', { peakStep: 300, collapseStep: 400, memoriseSteps: [300], spread: 400 });
    // v3: the face is also a dataset image (as in the sandbox trainer process): the peak reframes it.
    await recordSandboxVersion(storage, 'v3', { peakStep: 300, spread: 400 }, [100, 300, 500], true);
  } finally {
    await workspace.close();
  }
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('studio loras: the best checkpoint by identity (sandbox checkpoints)', () => {
  it('show prints the curve, flags the collapsed last checkpoint, says sandbox, and writes the chart as PNG and SVG', async () => {
    const shown = await studio('loras', 'show', 'andie', 'v1');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/checkpoints of v1 \[SANDBOX: measures the pipeline, not a trained model\]/);
    expect(shown.stdout).toMatch(/\n\s+600\s+.*\[collapsed\]/);
    expect(shown.stderr).toMatch(/COLLAPSED: the last checkpoint of andie v1 \(step 600\)/);
    const chart =
      /chart \(identity, memorisation, loss\) \(sandbox: measures the pipeline, not a trained model\): (\S+\.png) and (\S+\.svg)/.exec(
        shown.stdout,
      );
    expect(chart).not.toBeNull();
    const png = await readFile(chart?.[1] as string);
    expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(await readFile(chart?.[2] as string, 'utf8')).toContain('sandbox: measures the pipeline');
    const json = JSON.parse((await studio('--json', 'loras', 'show', 'andie', 'v1')).stdout);
    expect(json.lastCheckpointCollapsed).toBe(600);
    const identities = json.checkpoints.checkpoints.map((point: { identity?: number }) => point.identity ?? -1);
    expect(steps[identities.indexOf(Math.max(...identities))]).toBe(300);
    expect(
      (await stat(join(dir, 'ws', 'models', 'andie', 'loras', 'v1', 'checkpoint-curve.json'))).size,
    ).toBeGreaterThan(0);
  }, 120_000);

  it("compare draws both versions' curves in one chart (PNG and SVG) and flags both collapses", async () => {
    const compared = await studio('loras', 'compare', 'andie', 'v1', 'v2');
    expect(compared.code).toBe(0);
    expect(compared.stdout).toMatch(/checkpoints of v1 \[SANDBOX/);
    expect(compared.stdout).toMatch(/checkpoints of v2 \[SANDBOX/);
    const chart =
      /chart \(identity, memorisation, loss\) \(sandbox[^)]*\): (\S+compare-v2\/checkpoint-chart\.png) and (\S+\.svg)/.exec(
        compared.stdout,
      );
    expect(chart).not.toBeNull();
    const svg = await readFile(chart?.[2] as string, 'utf8');
    expect(svg).toContain('v1');
    expect(svg).toContain('v2');
    expect(compared.stderr).toMatch(/COLLAPSED: the last checkpoint of andie v2 \(step 600\)/);
  }, 120_000);

  it('promote --best picks the peak step, says why, and the final pointer names its weights', async () => {
    const promoted = await studio('loras', 'promote', 'andie', 'v1', '--best');
    expect(promoted.code).toBe(0);
    expect(promoted.stdout).toMatch(
      /andie v1 step 300 is now the final LoRA \(checkpoints\/checkpoint-300\/pytorch_lora_weights\.safetensors\) \[SANDBOX/,
    );
    expect(promoted.stdout).toMatch(/why: step 300 has the highest identity/);
    expect(promoted.stdout).toMatch(/skipped step 600: .*collapsed/);
    const pointer = JSON.parse(await readFile(join(dir, 'ws', 'models', 'andie', 'loras', 'final.json'), 'utf8'));
    expect(pointer).toMatchObject({
      version: 'v1',
      step: 300,
      file: 'checkpoints/checkpoint-300/pytorch_lora_weights.safetensors',
    });
  }, 120_000);

  it('promote --step N promotes that checkpoint and notes when --best would not pick it', async () => {
    const promoted = await studio('loras', 'promote', 'andie', 'v1', '--step', '600');
    expect(promoted.code).toBe(0);
    expect(promoted.stdout).toMatch(
      /andie v1 step 600 is now the final LoRA \(pytorch_lora_weights\.safetensors\), chosen by step/,
    );
    expect(promoted.stderr).toMatch(/the --best rule would not pick it: .*collapsed/);
    const missing = await studio('loras', 'promote', 'andie', 'v1', '--step', '250');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/no checkpoint at step 250 \(steps: 100, 200, 300, 400, 500, 600\)/);
    const both = await studio('loras', 'promote', 'andie', 'v1', '--best', '--step', '300');
    expect(both.code).toBe(2);
  }, 120_000);

  it('promote --best picks the peak when the face is a dataset image too (reframed: not memorising)', async () => {
    const json = JSON.parse((await studio('--json', 'loras', 'promote', 'andie', 'v3', '--best')).stdout);
    expect(json.step).toBe(300);
    expect(json.verdicts.find((v: { step: number }) => v.step === 300).qualifies).toBe(true);
  }, 120_000);

  it('promote --best skips a memorising checkpoint; when none qualifies it refuses and says why for each', async () => {
    const json = JSON.parse((await studio('--json', 'loras', 'promote', 'andie', 'v2', '--best')).stdout);
    const verdict = (step: number) => json.verdicts.find((v: { step: number }) => v.step === step);
    expect(verdict(300).failures).toContain('memorising');
    expect(verdict(400).failures).toContain('collapsed');
    expect([100, 200]).toContain(json.step);
    const workspace = await openWorkspace({ root: join(dir, 'ws') });
    await workspace.updateSettings('andie', { training: { bestCheckpoint: { minIdentity: 0.99 } } });
    await workspace.close();
    const refused = await studio('loras', 'promote', 'andie', 'v2', '--best');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/No checkpoint of andie v2 qualifies as the best/);
    for (const step of steps) expect(refused.stderr).toContain(`step ${step}: `);
    expect(refused.stderr).toMatch(
      /step 300: .*memorisation 0\.9\d\d > maxMemorisation 0\.9 \(a sample copies a dataset image\)/,
    );
  }, 120_000);
});
