import type { ModelFamily } from '../model-family.js';

/** What SimpleTuner needs to know about a {@link ModelFamily}, and the settings that work for a person LoRA. */
export interface FamilyPreset {
  /** SimpleTuner's `model_family` (`flux`, `sdxl`, `sd1x`). */
  modelFamily: 'flux' | 'sdxl' | 'sd1x';
  /** Flavours SimpleTuner accepts for the family (`model_flavour`). */
  flavours: readonly string[];
  /** Token limit of the family's prompt encoder used for captions (T5 512 for FLUX, CLIP 77 for SDXL and SD1.5). */
  captionTokenLimit: number;
  /** The preset's config values (merged under user overrides). */
  config: Readonly<Record<string, unknown>>;
}

const common = {
  model_type: 'lora',
  lora_type: 'standard',
  lora_rank: 16,
  lora_alpha: 16,
  learning_rate: 1e-4,
  lr_scheduler: 'constant',
  lr_warmup_steps: 0,
  max_train_steps: 1500,
  num_train_epochs: 0,
  train_batch_size: 1,
  mixed_precision: 'bf16',
  optimizer: 'adamw_bf16',
  gradient_checkpointing: true,
  checkpoint_step_interval: 250,
  checkpoints_total_limit: 4,
  resume_from_checkpoint: 'latest',
  validation_step_interval: 250,
  report_to: 'simpletuner',
  seed: 42,
  lora_format: 'diffusers',
  output_dir: 'output/models',
  data_backend_config: 'config/multidatabackend.json',
} as const;

/**
 * Presets per family, from SimpleTuner v4.8's documented settings for a LoRA of a person: the values that differ from
 * SimpleTuner's defaults (which are set for full fine-tunes: `model_type "full"`, `learning_rate 4e-7`,
 * `train_batch_size 4`, `validation_resolution "256"`, `model_flavour "krea"`).
 */
export const familyPresets: Readonly<Record<ModelFamily, FamilyPreset>> = {
  flux: {
    modelFamily: 'flux',
    flavours: ['dev', 'krea', 'schnell', 'kontext', 'fluxbooru', 'libreflux'],
    captionTokenLimit: 512,
    config: {
      ...common,
      model_family: 'flux',
      model_flavour: 'dev',
      pretrained_model_name_or_path: 'black-forest-labs/FLUX.1-dev',
      flux_lora_target: 'all',
      resolution: 1024,
      resolution_type: 'pixel_area',
      base_model_precision: 'int8-quanto',
      validation_resolution: '1024x1024',
      validation_guidance: 3.5,
    },
  },
  sdxl: {
    modelFamily: 'sdxl',
    flavours: ['base-1.0', 'refiner-1.0', 'base-0.9', 'refiner-0.9'],
    captionTokenLimit: 77,
    config: {
      ...common,
      model_family: 'sdxl',
      model_flavour: 'base-1.0',
      pretrained_model_name_or_path: 'stabilityai/stable-diffusion-xl-base-1.0',
      resolution: 1024,
      resolution_type: 'pixel_area',
      base_model_precision: 'no_change',
      validation_resolution: '1024x1024',
      validation_guidance: 5,
    },
  },
  sd15: {
    modelFamily: 'sd1x',
    flavours: ['1.5', '1.4', 'dreamshaper', 'realvis'],
    captionTokenLimit: 77,
    config: {
      ...common,
      model_family: 'sd1x',
      model_flavour: '1.5',
      pretrained_model_name_or_path: 'stable-diffusion-v1-5/stable-diffusion-v1-5',
      resolution: 512,
      resolution_type: 'pixel',
      base_model_precision: 'no_change',
      validation_resolution: '512x512',
      validation_guidance: 7,
    },
  },
};
