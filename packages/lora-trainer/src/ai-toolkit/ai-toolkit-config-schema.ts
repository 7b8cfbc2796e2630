import { z } from 'zod';

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().min(0);

/** `process[0].network`: the LoRA's shape. */
const networkSchema = z.strictObject({
  type: z.enum(['lora', 'locon', 'lokr']),
  /** Rank of every targeted linear layer. */
  linear: positiveInt.max(1024),
  /** Alpha (ai-toolkit forces it to the rank for FLUX's PEFT files). */
  linear_alpha: z.number().positive(),
  transformer_only: z.boolean().optional(),
  network_kwargs: z
    .strictObject({
      only_if_contains: z.array(z.string().min(1)).optional(),
      ignore_if_contains: z.array(z.string().min(1)).optional(),
    })
    .optional(),
});

const saveSchema = z.strictObject({
  dtype: z.enum(['float16', 'bf16', 'float32']),
  save_every: positiveInt,
  max_step_saves_to_keep: positiveInt,
  push_to_hub: z.boolean().optional(),
});

const datasetSchema = z.strictObject({
  folder_path: z.string().min(1),
  caption_ext: z.string().min(1),
  caption_dropout_rate: z.number().min(0).max(1),
  shuffle_tokens: z.boolean(),
  cache_latents_to_disk: z.boolean(),
  resolution: z.array(positiveInt).min(1),
  num_repeats: positiveInt.optional(),
  default_caption: z.string().optional(),
  bucket_tolerance: positiveInt.optional(),
  flip_x: z.boolean().optional(),
});

const trainSchema = z.strictObject({
  batch_size: positiveInt,
  steps: positiveInt,
  gradient_accumulation_steps: positiveInt,
  train_unet: z.boolean(),
  train_text_encoder: z.boolean(),
  gradient_checkpointing: z.boolean(),
  noise_scheduler: z.enum(['flowmatch', 'ddpm']),
  optimizer: z.enum(['adamw8bit', 'adamw', 'adafactor', 'prodigy', 'lion8bit']),
  lr: z.number().positive().max(1),
  lr_scheduler: z.enum(['constant', 'cosine', 'linear', 'constant_with_warmup']).optional(),
  ema_config: z.strictObject({ use_ema: z.boolean(), ema_decay: z.number().gt(0).lt(1) }).optional(),
  dtype: z.enum(['bf16', 'fp16', 'fp32']),
  max_grad_norm: z.number().positive().optional(),
  skip_first_sample: z.boolean().optional(),
  disable_sampling: z.boolean().optional(),
});

const modelSchema = z.strictObject({
  name_or_path: z.string().min(1),
  arch: z.enum(['flux', 'sdxl', 'sd1']),
  quantize: z.boolean(),
  quantize_te: z.boolean().optional(),
  low_vram: z.boolean().optional(),
});

const sampleSchema = z.strictObject({
  sampler: z.enum(['flowmatch', 'ddpm']),
  sample_every: positiveInt,
  width: positiveInt,
  height: positiveInt,
  prompts: z.array(z.string().min(1)).min(1),
  neg: z.string(),
  seed: nonNegativeInt,
  walk_seed: z.boolean(),
  guidance_scale: z.number().positive(),
  sample_steps: positiveInt,
});

/** `config.process[0]` of an ai-toolkit job: an `sd_trainer` LoRA training. */
export const aiToolkitProcessSchema = z.strictObject({
  type: z.enum(['sd_trainer', 'diffusion_trainer']),
  training_folder: z.string().min(1),
  device: z.string().min(1),
  trigger_word: z.string().min(1).optional(),
  performance_log_every: nonNegativeInt.optional(),
  logging: z
    .strictObject({ log_every: positiveInt.optional(), use_wandb: z.boolean(), use_ui_logger: z.boolean() })
    .optional(),
  network: networkSchema,
  save: saveSchema,
  datasets: z.array(datasetSchema).min(1),
  train: trainSchema,
  model: modelSchema,
  sample: sampleSchema,
});

/**
 * An ai-toolkit job config (`python run.py <config>`), as a strict zod schema: an unknown key at any level is an
 * error (ai-toolkit would silently ignore a misspelt one). Keys and defaults are those of ai-toolkit's
 * `toolkit/config_modules.py` and `config/examples/train_lora_flux_24gb.yaml`. Cross-field rules live in
 * `validateAiToolkitConfig`.
 */
export const aiToolkitConfigSchema = z.strictObject({
  job: z.literal('extension'),
  config: z.strictObject({
    /** Output folder and file names: `<training_folder>/<name>/<name>.safetensors`. */
    name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'use 1 to 64 letters, digits, "_" or "-" (it names files)'),
    process: z.array(aiToolkitProcessSchema).length(1),
  }),
  meta: z.strictObject({ name: z.string().min(1), version: z.string().min(1) }),
});

/** An ai-toolkit job config, as this package writes it. */
export type AiToolkitConfig = z.infer<typeof aiToolkitConfigSchema>;

/** `config.process[0]` of an {@link AiToolkitConfig}. */
export type AiToolkitProcess = z.infer<typeof aiToolkitProcessSchema>;
