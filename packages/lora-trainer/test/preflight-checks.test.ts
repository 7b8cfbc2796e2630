import { ValidationError } from '@model-studio/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertPreflightPassed,
  buildMultiDataBackend,
  buildSimpleTunerConfig,
  estimateCaptionTokens,
  type GpuOffer,
  type ModelFamily,
  type PreflightImage,
  type PreflightInput,
  runPreflight,
} from '../src/index.js';
import { type HubSandbox, startHubSandbox } from '../src/testing/hub-emulator.js';

let hub: HubSandbox;
const token = 'hf_sandbox_granted';
const otherToken = 'hf_sandbox_not_granted';

beforeAll(async () => {
  hub = await startHubSandbox({
    tokens: [token, otherToken],
    models: [
      { id: 'black-forest-labs/FLUX.1-dev', gated: 'auto', grantedTokens: [token] },
      { id: 'stabilityai/stable-diffusion-xl-base-1.0' },
      { id: 'stable-diffusion-v1-5/stable-diffusion-v1-5' },
    ],
  });
});
afterAll(async () => {
  await hub.close();
});

const catalog: GpuOffer[] = [
  { id: 'RTX 4090 (64 GB RAM)', memoryInGb: 24, ramInGb: 64, pricePerHourUsd: 0.69 },
  { id: 'RTX 3090 (32 GB RAM)', memoryInGb: 24, ramInGb: 32, pricePerHourUsd: 0.46 },
  { id: 'A100 80GB', memoryInGb: 80, pricePerHourUsd: 1.64 },
  { id: 'RTX A4000', memoryInGb: 16, ramInGb: 64, pricePerHourUsd: 0.25 },
];

function images(count: number, overrides: Partial<PreflightImage> = {}): PreflightImage[] {
  return Array.from({ length: count }, (_, n) => ({
    name: `andie-s1-t${String(n + 1).padStart(3, '0')}-sfw-enhanced.jpg`,
    width: 1024,
    height: 1024,
    caption: 'a photo of andie woman, smiling',
    ...overrides,
  }));
}

function input(
  family: ModelFamily,
  overrides: Partial<PreflightInput> = {},
  config: Record<string, unknown> = {},
): PreflightInput {
  const built = buildSimpleTunerConfig({ family, trigger: 'andie', classWord: 'woman', overrides: config });
  return {
    family,
    config: built,
    backends: buildMultiDataBackend({
      instanceDataDir: '/workspace/dataset/simpletuner/images',
      cacheDir: '/workspace/dataset/cache',
      kohyaRepeats: 10,
      resolution: built.resolution,
      resolutionType: built.resolution_type,
    }),
    images: images(20),
    hub: { token, hubUrl: hub.url },
    gpu: { catalog, gpuId: 'RTX 4090 (64 GB RAM)' },
    budget: { maxUsd: 10 },
    ...overrides,
  };
}

const checksOf = (report: { findings: Array<{ check: string; severity: string }> }, severity = 'error') =>
  report.findings.filter((f) => f.severity === severity).map((f) => f.check);

describe('runPreflight', () => {
  it('passes a good FLUX setup and gives its estimates', async () => {
    const report = await runPreflight(input('flux'));
    expect(report.findings).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.estimates).toMatchObject({ vramGb: 24, ramGb: 50, gpuId: 'RTX 4090 (64 GB RAM)' });
    expect((report.estimates.loraBytes as number) / 1e6).toBeCloseTo(52, 0);
    expect(report.estimates.costUsd).toBeGreaterThan(0);
    expect(() => assertPreflightPassed(report)).not.toThrow();
  });

  it('buckets: too few images per aspect bucket for the batch size is "no images discovered"', async () => {
    const shapes: PreflightImage[] = [
      { name: 'a.jpg', width: 1024, height: 1024, caption: 'x' },
      { name: 'b.jpg', width: 1536, height: 1024, caption: 'x' },
      { name: 'c.jpg', width: 1024, height: 1536, caption: 'x' },
    ];
    const base = input('flux', {}, { train_batch_size: 4 });
    const report = await runPreflight({ ...base, images: shapes, backends: withRepeats(base, 0) });
    expect(checksOf(report)).toContain('buckets');
    expect(report.findings.find((f) => f.severity === 'error')?.message).toContain(
      'no images discovered by the bucket manager',
    );
    expect(checksOf(report, 'warning').filter((c) => c === 'buckets')).toHaveLength(3);
    const withRepeatsReport = await runPreflight({ ...base, images: shapes, backends: withRepeats(base, 3) });
    expect(checksOf(withRepeatsReport)).not.toContain('buckets');
  });

  it('minimum_image_size: small images are skipped, and all small is an error', async () => {
    const mixed = [
      ...images(5),
      ...images(2, { width: 300, height: 400 }).map((i) => ({ ...i, name: `small-${i.name}` })),
    ];
    const report = await runPreflight(input('flux', { images: mixed }));
    expect(checksOf(report, 'warning')).toContain('minimum-image-size');
    expect(report.ok).toBe(true);
    const allSmall = await runPreflight(input('flux', { images: images(5, { width: 256, height: 256 }) }));
    expect(checksOf(allSmall)).toContain('buckets');
  });

  it('webp images are an error', async () => {
    const report = await runPreflight(
      input('sdxl', { images: [...images(4), { name: 'x.webp', width: 1024, height: 1024, caption: 'c' }] }),
    );
    expect(checksOf(report)).toEqual(['webp']);
    expect(report.findings[0]?.images).toEqual(['x.webp']);
  });

  it('every image needs its caption', async () => {
    const report = await runPreflight(
      input('sdxl', { images: [...images(3), ...images(1, { name: 'bare.jpg', caption: ' ' })] }),
    );
    expect(checksOf(report)).toEqual(['caption-missing']);
    expect(report.findings[0]?.fix).toContain('Caption them');
  });

  it("captions above the family's token limit: CLIP 77 for SDXL, T5 512 for FLUX; a given token counter is used", async () => {
    const long = `a photo of andie woman, ${'wearing a red summer dress in a sunny park, '.repeat(8)}`;
    const sdxl = await runPreflight(input('sdxl', { images: images(4, { caption: long }) }));
    expect(checksOf(sdxl, 'warning')).toContain('caption-too-long');
    const flux = await runPreflight(input('flux', { images: images(4, { caption: long }) }));
    expect(checksOf(flux, 'warning')).not.toContain('caption-too-long');
    const counted = await runPreflight(input('flux', { images: images(4), tokenCount: () => 600 }));
    expect(checksOf(counted, 'warning')).toContain('caption-too-long');
    expect(estimateCaptionTokens('a photo of andie woman')).toBeGreaterThanOrEqual(7);
  });

  it('exactly one default text-embeds dataset', async () => {
    const base = input('sdxl');
    const [image, embeds] = base.backends as Record<string, unknown>[];
    expect(checksOf(await runPreflight({ ...base, backends: [image as Record<string, unknown>] }))).toEqual([
      'text-embeds',
    ]);
    const two = [image, embeds, { ...embeds, id: 'second' }] as Record<string, unknown>[];
    expect(checksOf(await runPreflight({ ...base, backends: two }))).toEqual(['text-embeds']);
    expect(checksOf(await runPreflight({ ...base, backends: [embeds as Record<string, unknown>] }))).toContain(
      'image-dataset',
    );
  });

  it('gated FLUX.1-dev without access, with the token checked against the Hub sandbox', async () => {
    const report = await runPreflight(input('flux', { hub: { token: otherToken, hubUrl: hub.url } }));
    expect(checksOf(report)).toEqual(['base-model-access']);
    expect(report.findings[0]?.fix).toContain('licence');
    expect(JSON.stringify(report)).not.toContain(otherToken);
    const unchecked = await runPreflight(input('flux', { hub: false }));
    expect(checksOf(unchecked, 'warning')).toEqual(['base-model-access']);
  });

  it('LoRA size above 100 MB: refused, or a warning when asked', async () => {
    const big = await runPreflight(input('flux', {}, { lora_rank: 32, lora_alpha: 32 }));
    expect(checksOf(big)).toEqual(['lora-size']);
    expect(big.findings[0]?.message).toMatch(/about 10\d MB, above the 100 MB limit/);
    const warned = await runPreflight(input('flux', { loraSizePolicy: 'warn' }, { lora_rank: 32, lora_alpha: 32 }));
    expect(warned.ok).toBe(true);
    expect(checksOf(warned, 'warning')).toEqual(['lora-size']);
    const ffs = await runPreflight(input('flux', {}, { flux_lora_target: 'all+ffs' }));
    expect(ffs.findings[0]?.message).toMatch(/about 13\d MB/);
  });

  it('GPU VRAM and system RAM for the family and precision', async () => {
    const unquantised = await runPreflight(input('flux', {}, { base_model_precision: 'no_change' }));
    expect(checksOf(unquantised)).toEqual(['gpu-vram']);
    const lowRam = await runPreflight(input('flux', { gpu: { catalog, gpuId: 'RTX 3090 (32 GB RAM)' } }));
    expect(checksOf(lowRam)).toEqual(['gpu-ram']);
    expect(lowRam.findings[0]?.message).toContain('needs about 50 GB');
    const unknownRam = await runPreflight(
      input('flux', { gpu: { catalog, gpuId: 'A100 80GB' }, budget: { maxUsd: 20 } }),
    );
    expect(checksOf(unknownRam, 'warning')).toEqual(['gpu-ram']);
    const sd15 = await runPreflight(input('sd15', { gpu: { catalog, gpuId: 'RTX A4000' } }));
    expect(sd15.findings).toEqual([]);
    const cheapest = await runPreflight(input('flux', { gpu: { catalog } }));
    expect(cheapest.estimates.gpuId).toBe('RTX 4090 (64 GB RAM)');
    expect(checksOf(await runPreflight(input('flux', { gpu: { catalog, gpuId: 'nope' } })))).toEqual(['gpu-vram']);
  });

  it('the budget', async () => {
    const report = await runPreflight(input('flux', { budget: { maxUsd: 0.5 } }));
    expect(checksOf(report)).toEqual(['budget']);
    expect(report.findings[0]?.message).toMatch(/above the budget of \$0\.5/);
    const close = await runPreflight(input('flux', { budget: { maxUsd: (report.estimates.costUsd as number) * 1.1 } }));
    expect(checksOf(close, 'warning')).toEqual(['budget']);
  });

  it('an invalid config is one error finding, and assertPreflightPassed throws a ValidationError with the fixes', async () => {
    const base = input('flux');
    const report = await runPreflight({ ...base, config: { ...base.config, num_train_epochs: 5 } });
    expect(checksOf(report)).toEqual(['config']);
    expect(() => assertPreflightPassed(report)).toThrow(ValidationError);
    expect(() => assertPreflightPassed(report)).toThrow(/\[config\][\s\S]*num_train_epochs[\s\S]*Fix:/);
  });
});

function withRepeats(base: PreflightInput, repeats: number): Record<string, unknown>[] {
  return (base.backends as Record<string, unknown>[]).map((backend) =>
    backend.dataset_type === 'text_embeds' ? backend : { ...backend, repeats },
  );
}

describe('GPU choice without a gpuId', () => {
  it('reports the RAM problem of the cheapest GPU with enough VRAM when none fits fully', async () => {
    const lowRam: GpuOffer[] = [{ id: 'RTX 4090 (32 GB RAM)', memoryInGb: 24, ramInGb: 32, pricePerHourUsd: 0.69 }];
    const report = await runPreflight(input('flux', { gpu: { catalog: lowRam } }));
    expect(checksOf(report)).toEqual(['gpu-ram']);
    expect(report.estimates.gpuId).toBe('RTX 4090 (32 GB RAM)');
  });
});
