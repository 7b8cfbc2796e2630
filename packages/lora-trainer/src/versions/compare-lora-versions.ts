import { type CallOptions, type Storage, storageKeys } from '@model-studio/core';
import { engineOfConfig, type TrainingEngine } from '../training-engine.js';
import { type ConfigDifference, diffConfigs } from './config-diff.js';
import { renderLossChart } from './loss-chart.js';
import { renderSampleGrid } from './sample-grid.js';
import type { SampleIdentityReport } from './sample-identity.js';
import {
  type IdentityCheckOptions,
  type LoraVersionDetails,
  readSamples,
  showLoraVersion,
} from './show-lora-version.js';

/** Options of {@link compareLoraVersions}. */
export interface CompareLoraVersionsOptions extends CallOptions {
  /** Measure the samples' identity of both versions against the source face. */
  identity?: IdentityCheckOptions;
  /** Also store the chart and grid under `loras/<a>/compare-<b>/`. @default false */
  write?: boolean;
}

/** Two versions side by side. */
export interface LoraVersionComparison {
  a: LoraVersionDetails;
  b: LoraVersionDetails;
  /**
   * Config keys that differ; when the engines differ, the first entry is `engine` (their configs have different
   * keys, so the rest lists both configs' keys).
   */
  configDiff: ConfigDifference[];
  /** The engine of each version (`simpletuner` for versions recorded before engines existed). */
  engines: { a: TrainingEngine; b: TrainingEngine };
  /** The artifacts' size, rank, format and dtype, a then b. */
  artifacts: Array<{ field: 'size' | 'rank' | 'format' | 'dtype'; a: unknown; b: unknown }>;
  /** Loss curves of both as an SVG (Vega-Lite). */
  lossChartSvg: string;
  /** The validation samples side by side as an SVG. */
  sampleGridSvg: string;
  identity?: { a: SampleIdentityReport; b: SampleIdentityReport };
  /** Storage keys of the stored chart and grid, with `write`. */
  written?: { lossChart: string; sampleGrid: string };
}

/**
 * Compares two versions, also across engines (the loss of both is `training_metrics.jsonl`'s `train_loss`, so the
 * curves share an axis): the engines, config differences, artifact header facts, a loss-curve chart (SVG), a sample grid (SVG),
 * and optionally the identity of their samples. Sandbox versions are labelled as such in the chart and grid.
 *
 * @throws NotFoundError when either version does not exist.
 */
export async function compareLoraVersions(
  storage: Storage,
  model: string,
  versionA: string,
  versionB: string,
  options: CompareLoraVersionsOptions = {},
): Promise<LoraVersionComparison> {
  const show = { signal: options.signal, ...(options.identity ? { identity: options.identity } : {}) };
  const a = await showLoraVersion(storage, model, versionA, show);
  const b = await showLoraVersion(storage, model, versionB, show);
  const sandbox = a.record.sandbox || b.record.sandbox;
  const lossChartSvg = await renderLossChart(
    [
      { version: versionA, points: a.loss },
      { version: versionB, points: b.loss },
    ],
    { sandbox },
  );
  const sampleGridSvg = renderSampleGrid(
    [
      { version: versionA, samples: await readSamples(storage, a.record, options) },
      { version: versionB, samples: await readSamples(storage, b.record, options) },
    ],
    { sandbox },
  );
  const fields = ['size', 'rank', 'format', 'dtype'] as const;
  const engines = { a: a.record.engine ?? engineOfConfig(a.config), b: b.record.engine ?? engineOfConfig(b.config) };
  const engineDiff = engines.a === engines.b ? [] : [{ key: 'engine', a: engines.a, b: engines.b }];
  const comparison: LoraVersionComparison = {
    a,
    b,
    configDiff: [...engineDiff, ...diffConfigs(a.config, b.config)],
    engines,
    artifacts: fields.map((field) => ({ field, a: a.record.artifact[field], b: b.record.artifact[field] })),
    lossChartSvg,
    sampleGridSvg,
  };
  if (a.identity && b.identity) comparison.identity = { a: a.identity, b: b.identity };
  if (options.write) {
    const lossChart = storageKeys.lora(model, versionA, `compare-${versionB}/loss-chart.svg`);
    const sampleGrid = storageKeys.lora(model, versionA, `compare-${versionB}/sample-grid.svg`);
    const svg = { signal: options.signal, contentType: 'image/svg+xml' };
    await storage.put(lossChart, new TextEncoder().encode(lossChartSvg), svg);
    await storage.put(sampleGrid, new TextEncoder().encode(sampleGridSvg), svg);
    comparison.written = { lossChart, sampleGrid };
  }
  return comparison;
}
