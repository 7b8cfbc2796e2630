import type { LossPoint } from './lora-version-record.js';

/** One line of a loss chart. */
export interface LossSeries {
  version: string;
  points: readonly LossPoint[];
}

/**
 * Draws training-loss curves as an SVG with Vega-Lite (pure JavaScript, no canvas): step on x, loss on y, one
 * coloured line per version. `sandbox` adds "(sandbox)" to the title.
 */
export async function renderLossChart(
  series: readonly LossSeries[],
  options: { sandbox?: boolean } = {},
): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const values = series.flatMap((line) => line.points.map((point) => ({ ...point, version: line.version })));
  const spec = vegaLite.compile({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Training loss${options.sandbox ? ' (sandbox: not a trained model)' : ''}`,
    width: 640,
    height: 320,
    data: { values },
    mark: { type: 'line', interpolate: 'monotone' },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'step' },
      y: { field: 'loss', type: 'quantitative', title: 'train loss', scale: { zero: false } },
      color: { field: 'version', type: 'nominal', title: 'version' },
    },
  }).spec;
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
