import type { CallOptions, Storage } from '@model-studio/core';
import type { CheckpointCurve } from './checkpoint-curve.js';

/**
 * Draws the checkpoint curves of one or more versions as an SVG with Vega-Lite (pure JavaScript, no browser): three
 * panels over the step, identity (higher is closer to the source), memorisation (higher copies the dataset) and
 * training loss, one colour per version. The title says "sandbox" when any curve comes from the sandbox trainer.
 */
export async function renderCheckpointChart(curves: readonly CheckpointCurve[]): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const sandbox = curves.some((curve) => curve.sandbox);
  const values = curves.flatMap((curve) =>
    curve.checkpoints.flatMap((point) =>
      (
        [
          ['identity', point.identity],
          ['memorisation', point.memorisation],
          ['loss', point.loss],
        ] as const
      ).flatMap(([measure, value]) =>
        value === undefined ? [] : [{ version: curve.version, step: point.step, measure, value }],
      ),
    ),
  );
  const panel = (measure: string, title: string) => ({
    width: 560,
    height: 160,
    transform: [{ filter: `datum.measure === '${measure}'` }],
    mark: { type: 'line' as const, point: true },
    encoding: {
      x: { field: 'step', type: 'quantitative' as const, title: 'step' },
      y: { field: 'value', type: 'quantitative' as const, title, scale: { zero: false } },
      color: { field: 'version', type: 'nominal' as const, title: 'version' },
    },
  });
  const spec = vegaLite.compile({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Checkpoints: identity, memorisation, loss${sandbox ? ' (sandbox: measures the pipeline, not a trained model)' : ''}`,
    data: { values },
    spacing: 24,
    vconcat: [
      panel('identity', 'identity (higher = closer to source)'),
      panel('memorisation', 'memorisation (higher = copies dataset)'),
      panel('loss', 'train loss'),
    ],
  }).spec;
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterises an SVG chart to PNG with resvg (Rust, prebuilt for the platform; system fonts, DejaVu Sans by default). */
export async function chartSvgToPng(svg: string): Promise<Uint8Array> {
  const { Resvg } = await import('@resvg/resvg-js');
  const rendered = new Resvg(svg, {
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  }).render();
  return new Uint8Array(rendered.asPng());
}

/**
 * Renders the curves' chart as SVG and PNG and stores both at `<keyPrefix>checkpoint-chart.svg|png`.
 *
 * @returns the two storage keys.
 */
export async function writeCheckpointCharts(
  storage: Storage,
  keyPrefix: string,
  curves: readonly CheckpointCurve[],
  options: CallOptions = {},
): Promise<{ svg: string; png: string }> {
  const svgText = await renderCheckpointChart(curves);
  const keys = { svg: `${keyPrefix}checkpoint-chart.svg`, png: `${keyPrefix}checkpoint-chart.png` };
  await storage.put(keys.svg, new TextEncoder().encode(svgText), { ...options, contentType: 'image/svg+xml' });
  await storage.put(keys.png, await chartSvgToPng(svgText), { ...options, contentType: 'image/png' });
  return keys;
}
