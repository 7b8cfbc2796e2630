import type { ModelFamily } from '../model-family.js';

/** One linear layer a LoRA adapts: its diffusers module path and its input and output widths. */
export interface LoraLayer {
  /** Module path in diffusers naming, e.g. `transformer.transformer_blocks.0.attn.to_q`. */
  path: string;
  /** Input features. */
  inFeatures: number;
  /** Output features. */
  outFeatures: number;
}

const fluxHidden = 3072;
const fluxDoubleBlocks = 19;
const fluxSingleBlocks = 38;
const fluxDoubleModules = ['to_q', 'to_k', 'to_v', 'add_q_proj', 'add_k_proj', 'add_v_proj', 'to_out.0', 'to_add_out'];
const fluxSingleModules = ['to_q', 'to_k', 'to_v'];

function fluxFeedForwardLayers(): LoraLayer[] {
  const layers: LoraLayer[] = [];
  const wide = fluxHidden * 4;
  for (let block = 0; block < fluxDoubleBlocks; block++) {
    for (const ff of ['ff', 'ff_context']) {
      const base = `transformer.transformer_blocks.${block}.${ff}.net`;
      layers.push(
        { path: `${base}.0.proj`, inFeatures: fluxHidden, outFeatures: wide },
        { path: `${base}.2`, inFeatures: wide, outFeatures: fluxHidden },
      );
    }
  }
  for (let block = 0; block < fluxSingleBlocks; block++) {
    const base = `transformer.single_transformer_blocks.${block}`;
    layers.push(
      { path: `${base}.proj_mlp`, inFeatures: fluxHidden, outFeatures: wide },
      { path: `${base}.proj_out`, inFeatures: fluxHidden + wide, outFeatures: fluxHidden },
    );
  }
  return layers;
}

function fluxLayers(): LoraLayer[] {
  const layers: LoraLayer[] = [];
  for (let block = 0; block < fluxDoubleBlocks; block++) {
    for (const module of fluxDoubleModules) {
      const path = `transformer.transformer_blocks.${block}.attn.${module}`;
      layers.push({ path, inFeatures: fluxHidden, outFeatures: fluxHidden });
    }
  }
  for (let block = 0; block < fluxSingleBlocks; block++) {
    for (const module of fluxSingleModules) {
      const path = `transformer.single_transformer_blocks.${block}.attn.${module}`;
      layers.push({ path, inFeatures: fluxHidden, outFeatures: fluxHidden });
    }
  }
  return layers;
}

/** The adaLN modulation layers ai-toolkit also adapts: `norm1(_context).linear` (double), `norm.linear` (single). */
function fluxNormLayers(): LoraLayer[] {
  const layers: LoraLayer[] = [];
  for (let block = 0; block < fluxDoubleBlocks; block++) {
    for (const norm of ['norm1', 'norm1_context']) {
      const path = `transformer.transformer_blocks.${block}.${norm}.linear`;
      layers.push({ path, inFeatures: fluxHidden, outFeatures: fluxHidden * 6 });
    }
  }
  for (let block = 0; block < fluxSingleBlocks; block++) {
    const path = `transformer.single_transformer_blocks.${block}.norm.linear`;
    layers.push({ path, inFeatures: fluxHidden, outFeatures: fluxHidden * 3 });
  }
  return layers;
}

/** A UNet attention group: where it sits, how many attentions and transformer blocks, its width. */
interface UnetGroup {
  prefix: string;
  attentions: number;
  transformerBlocks: number;
  width: number;
}

function unetLayers(groups: readonly UnetGroup[], crossWidth: number): LoraLayer[] {
  const layers: LoraLayer[] = [];
  for (const group of groups) {
    for (let attention = 0; attention < group.attentions; attention++) {
      for (let block = 0; block < group.transformerBlocks; block++) {
        const base = `unet.${group.prefix}.attentions.${attention}.transformer_blocks.${block}`;
        const w = group.width;
        layers.push(
          { path: `${base}.attn1.to_q`, inFeatures: w, outFeatures: w },
          { path: `${base}.attn1.to_k`, inFeatures: w, outFeatures: w },
          { path: `${base}.attn1.to_v`, inFeatures: w, outFeatures: w },
          { path: `${base}.attn1.to_out.0`, inFeatures: w, outFeatures: w },
          { path: `${base}.attn2.to_q`, inFeatures: w, outFeatures: w },
          { path: `${base}.attn2.to_k`, inFeatures: crossWidth, outFeatures: w },
          { path: `${base}.attn2.to_v`, inFeatures: crossWidth, outFeatures: w },
          { path: `${base}.attn2.to_out.0`, inFeatures: w, outFeatures: w },
        );
      }
    }
  }
  return layers;
}

const sdxlGroups: UnetGroup[] = [
  { prefix: 'down_blocks.1', attentions: 2, transformerBlocks: 2, width: 640 },
  { prefix: 'down_blocks.2', attentions: 2, transformerBlocks: 10, width: 1280 },
  { prefix: 'mid_block', attentions: 1, transformerBlocks: 10, width: 1280 },
  { prefix: 'up_blocks.0', attentions: 3, transformerBlocks: 10, width: 1280 },
  { prefix: 'up_blocks.1', attentions: 3, transformerBlocks: 2, width: 640 },
];

const sd15Groups: UnetGroup[] = [
  { prefix: 'down_blocks.0', attentions: 2, transformerBlocks: 1, width: 320 },
  { prefix: 'down_blocks.1', attentions: 2, transformerBlocks: 1, width: 640 },
  { prefix: 'down_blocks.2', attentions: 2, transformerBlocks: 1, width: 1280 },
  { prefix: 'mid_block', attentions: 1, transformerBlocks: 1, width: 1280 },
  { prefix: 'up_blocks.1', attentions: 3, transformerBlocks: 1, width: 1280 },
  { prefix: 'up_blocks.2', attentions: 3, transformerBlocks: 1, width: 640 },
  { prefix: 'up_blocks.3', attentions: 3, transformerBlocks: 1, width: 320 },
];

const cache = new Map<string, readonly LoraLayer[]>();

/** Options for {@link loraLayers}. */
export interface LoraLayersOptions {
  /**
   * SimpleTuner's `flux_lora_target`: `all` (attention) or `all+ffs` (attention and feed-forward); `all-linear` is
   * ai-toolkit's FLUX LoRA: every linear layer of the 19 double and 38 single blocks (attention, feed-forward and the
   * adaLN modulation), 5,369,856 parameters per rank. @default 'all'
   */
  fluxTarget?: 'all' | 'all+ffs' | 'all-linear';
}

/**
 * The layers a LoRA of `family` adapts with SimpleTuner's defaults: FLUX `flux_lora_target "all"` (attention of the 19
 * double and 38 single blocks, 266 layers), SDXL and SD1.5 the UNet's self- and cross-attention projections
 * (`to_q`, `to_k`, `to_v`, `to_out.0`; 560 and 128 layers). FLUX `all+ffs` adds the 152 feed-forward layers;
 * `all-linear` (ai-toolkit) also the 76 modulation layers.
 */
export function loraLayers(family: ModelFamily, options: LoraLayersOptions = {}): readonly LoraLayer[] {
  const target = family === 'flux' ? (options.fluxTarget ?? 'all') : 'all';
  const cacheKey = `${family}:${target}`;
  let layers = cache.get(cacheKey);
  if (!layers) {
    if (family === 'flux' && target === 'all-linear')
      layers = [...fluxLayers(), ...fluxFeedForwardLayers(), ...fluxNormLayers()];
    else if (family === 'flux')
      layers = target === 'all+ffs' ? [...fluxLayers(), ...fluxFeedForwardLayers()] : fluxLayers();
    else if (family === 'sdxl') layers = unetLayers(sdxlGroups, 2048);
    else layers = unetLayers(sd15Groups, 768);
    cache.set(cacheKey, layers);
  }
  return layers;
}
