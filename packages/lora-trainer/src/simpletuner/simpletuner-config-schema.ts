import { z } from 'zod';

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().min(0);

/**
 * The SimpleTuner `config.json` keys this package writes or lets users override, as a strict zod schema: an unknown
 * key is an error (SimpleTuner would silently ignore a misspelt one). Cross-field rules live in
 * `validateSimpleTunerConfig`.
 */
export const simpleTunerConfigSchema = z.strictObject({
  model_type: z.enum(['lora', 'full']),
  model_family: z.enum(['flux', 'sdxl', 'sd1x']),
  model_flavour: z.string().min(1),
  pretrained_model_name_or_path: z.string().min(1),
  lora_type: z.enum(['standard', 'lycoris']),
  lora_rank: positiveInt.max(1024),
  lora_alpha: z.number().positive(),
  flux_lora_target: z.enum(['all', 'all+ffs', 'mmdit', 'context', 'tiny', 'nano']).optional(),
  learning_rate: z.number().positive().max(1),
  lr_scheduler: z.enum(['constant', 'constant_with_warmup', 'cosine', 'cosine_with_restarts', 'linear', 'polynomial']),
  lr_warmup_steps: nonNegativeInt,
  max_train_steps: nonNegativeInt,
  num_train_epochs: nonNegativeInt,
  train_batch_size: positiveInt,
  gradient_accumulation_steps: positiveInt.optional(),
  resolution: z.number().positive(),
  resolution_type: z.enum(['pixel', 'pixel_area', 'area']),
  mixed_precision: z.enum(['bf16', 'fp16', 'no']),
  base_model_precision: z.enum([
    'no_change',
    'int8-quanto',
    'int4-quanto',
    'fp8-quanto',
    'int8-torchao',
    'fp8-torchao',
  ]),
  optimizer: z.string().min(1),
  gradient_checkpointing: z.boolean(),
  checkpoint_step_interval: positiveInt,
  checkpoints_total_limit: positiveInt,
  resume_from_checkpoint: z.string().min(1),
  validation_prompt: z.string().min(1),
  validation_step_interval: positiveInt,
  validation_resolution: z.string().regex(/^\d+(x\d+)?(,\d+(x\d+)?)*$/, 'expected "WIDTHxHEIGHT", e.g. "1024x1024"'),
  validation_guidance: z.number().positive(),
  validation_num_inference_steps: positiveInt.optional(),
  validation_seed: nonNegativeInt.optional(),
  output_dir: z.string().min(1),
  data_backend_config: z.string().min(1),
  report_to: z.enum(['simpletuner', 'none', 'tensorboard', 'wandb']),
  seed: nonNegativeInt,
  lora_format: z.enum(['diffusers', 'comfyui']),
  noise_offset: z.number().min(0).optional(),
  caption_dropout_probability: z.number().min(0).max(1).optional(),
  webhook_config: z.array(z.record(z.string(), z.unknown())).optional(),
});

/** A SimpleTuner `config.json`, as this package writes it. */
export type SimpleTunerConfig = z.infer<typeof simpleTunerConfigSchema>;
