import { ValidationError } from '@model-studio/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertPreflightPassed,
  buildAiToolkitConfig,
  expectedAiToolkitLoraBytes,
  type GpuOffer,
  type PreflightImage,
  type PreflightInput,
  runPreflight,
} from '../src/index.js';
import { type HubSandbox, startHubSandbox } from '../src/testing/hub-emulator.js';

let hub: HubSandbox;
const token = 'hf_sandbox_granted';

beforeAll(async () => {
  hub = await startHubSandbox({
    tokens: [token, 'hf_sandbox_not_granted'],
    models: [{ id: 'black-forest-labs/FLUX.1-dev', gated: 'auto', grantedTokens: [token] }],
  });
});
afterAll(async () => {
  await hub.close();
});

const catalog: GpuOffer[] = [
  { id: 'RTX 4090 (64 GB RAM)', memoryInGb: 24, ramInGb: 64, pricePerHourUsd: 0.69 },
  { id: 'RTX 3090 (32 GB RAM)', memoryInGb: 24, ramInGb: 32, pricePerHourUsd: 0.46 },
];

const images = (count: number, extra: Partial<PreflightImage> = {}): PreflightImage[] =>
  Array.from({ length: count }, (_, n) => ({
    name: `andie-s1-t${String(n + 1).padStart(3, '0')}-sfw-enhanced.jpg`,
    width: 1024,
    height: 1024,
    caption: 'a photo of andie woman, smiling',
    ...extra,
  }));

function input(overrides: Record<string, unknown> = {}, extra: Partial<PreflightInput> = {}): PreflightInput {
  return {
    family: 'flux',
    config: buildAiToolkitConfig({ family: 'flux', trigger: 'andie', classWord: 'woman', overrides }) as never,
    images: images(12),
    hub: { token, hubUrl: hub.url },
    gpu: { catalog, gpuId: 'RTX 4090 (64 GB RAM)' },
    budget: { maxUsd: 10 },
    ...extra,
  };
}

describe('runPreflight with an ai-toolkit config', () => {
  it('the prototype preset (rank 16 on every FLUX linear layer) is ~172 MB: an error that offers what fits', async () => {
    const report = await runPreflight(input());
    const size = report.findings.find((finding) => finding.check === 'lora-size');
    expect(size?.severity).toBe('error');
    expect(report.estimates.loraBytes! / 1e6).toBeCloseTo(171.8, 0);
    expect(size?.message).toMatch(/about 172 MB, above the 100 MB limit/);
    expect(size?.fix).toMatch(/network\.linear 8 \/ linear_alpha 8 \(~86 MB/);
    expect(size?.fix).toMatch(/double blocks only at rank 16 \(~93 MB/);
    expect(report.ok).toBe(false);
    expect(() => assertPreflightPassed(report)).toThrow(ValidationError);
  });

  it('rank 8, or the double blocks only, fit and pass; the GPU, budget and Hub checks run', async () => {
    for (const overrides of [
      { 'network.linear': 8, 'network.linear_alpha': 8 },
      { 'network.network_kwargs': { ignore_if_contains: ['single_transformer_blocks'] } },
    ]) {
      const report = await runPreflight(input(overrides));
      expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.estimates).toMatchObject({ vramGb: 24, ramGb: 50, gpuId: 'RTX 4090 (64 GB RAM)' });
      expect(report.estimates.loraBytes!).toBeLessThan(100e6);
    }
    const rank8 = buildAiToolkitConfig({ family: 'flux', trigger: 'andie', overrides: { 'network.linear': 8 } });
    expect(expectedAiToolkitLoraBytes('flux', rank8) / 1e6).toBeCloseTo(85.9, 0);
  });

  it('VRAM and RAM per precision: unquantised FLUX needs 40 GB VRAM; a 32 GB RAM machine is refused', async () => {
    const fits = { 'network.linear': 8 };
    const unquantised = await runPreflight(input({ ...fits, 'model.quantize': false }));
    expect(unquantised.findings.find((f) => f.check === 'gpu-vram')?.message).toMatch(
      /model\.quantize false needs 40 GB/,
    );
    const lowRam = await runPreflight(input(fits, { gpu: { catalog, gpuId: 'RTX 3090 (32 GB RAM)' } }));
    expect(lowRam.findings.find((f) => f.check === 'gpu-ram')?.severity).toBe('error');
  });

  it('captions and buckets: missing and over-long captions are errors, webp a warning, alpha != rank an info', async () => {
    const report = await runPreflight(
      input(
        { 'network.linear': 8, 'network.linear_alpha': 4 },
        {
          images: [
            ...images(10),
            { name: 'x.webp', width: 1024, height: 1024, caption: 'andie' },
            { name: 'y.jpg', width: 1024, height: 1024 },
            { name: 'z.jpg', width: 1024, height: 1024, caption: 'word '.repeat(700) },
          ],
        },
      ),
    );
    const by = (check: string) => report.findings.find((f) => f.check === check);
    expect(by('webp')?.severity).toBe('warning');
    expect(by('webp')?.message).toMatch(/ai-toolkit/);
    expect(by('caption-missing')?.images).toEqual(['y.jpg']);
    expect(by('caption-too-long')?.images).toEqual(['z.jpg']);
    expect(
      report.findings.some((f) => f.check === 'config' && f.severity === 'info' && /no effect/.test(f.message)),
    ).toBe(true);
  });

  it('an invalid ai-toolkit config is one config finding that names the engine', async () => {
    const config = buildAiToolkitConfig({ family: 'flux', trigger: 'andie' }) as unknown as Record<string, unknown>;
    const broken = JSON.parse(JSON.stringify(config));
    broken.config.process[0].train.stepz = 10;
    const report = await runPreflight({ ...input(), config: broken });
    expect(report.ok).toBe(false);
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ check: 'config', severity: 'error' });
    expect(report.findings[0]!.message).toMatch(/unknown key "stepz"/);
    expect(report.findings[0]!.fix).toMatch(/ai-toolkit config/);
  });
});
