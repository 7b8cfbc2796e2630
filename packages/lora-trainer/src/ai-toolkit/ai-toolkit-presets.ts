import type { ModelFamily } from '../model-family.js';
import type { AiToolkitProcess } from './ai-toolkit-config-schema.js';

/** What ai-toolkit needs to know about a {@link ModelFamily}, and the settings that work for a person LoRA. */
export interface AiToolkitPreset {
  /** ai-toolkit's `model.arch`. */
  arch: 'flux' | 'sdxl' | 'sd1';
  /** The preset's `process[0]` (the dataset folder, trigger and prompts are filled in by the builder). */
  process: Omit<AiToolkitProcess, 'trigger_word'>;
}

const common = {
  type: 'sd_trainer',
  training_folder: 'output',
  device: 'cuda:0',
  logging: { log_every: 1, use_wandb: false, use_ui_logger: true },
  network: { type: 'lora', linear: 16, linear_alpha: 16 },
  save: { dtype: 'float16', save_every: 200, max_step_saves_to_keep: 5 },
  train: {
    batch_size: 1,
    steps: 1000,
    gradient_accumulation_steps: 1,
    train_unet: true,
    train_text_encoder: false,
    gradient_checkpointing: true,
    optimizer: 'adamw8bit',
    lr: 1e-4,
    lr_scheduler: 'constant',
    dtype: 'bf16',
    max_grad_norm: 1,
  },
} as const;

const dataset = (resolution: number[]) => ({
  folder_path: '/workspace/dataset/simpletuner/images',
  caption_ext: 'txt',
  caption_dropout_rate: 0.05,
  shuffle_tokens: false,
  cache_latents_to_disk: true,
  resolution,
});

const sample = (size: number, sampler: 'flowmatch' | 'ddpm', guidance: number) => ({
  sampler,
  sample_every: 200,
  width: size,
  height: size,
  prompts: ['a photo of [trigger]'],
  neg: '',
  seed: 42,
  walk_seed: true,
  guidance_scale: guidance,
  sample_steps: 20,
});

/**
 * ai-toolkit presets per family that both engines support. FLUX.1-dev is the prototype's working run
 * (`runpod_train_sar_aitoolkit.sh`): LoRA linear 16 / alpha 16 on every linear layer, adamw8bit at 4e-4, 1000 steps,
 * bf16, flowmatch, EMA 0.99, the model quantised (qfloat8), `caption_ext: txt` with 5% caption dropout, resolutions
 * 512/768/1024, a checkpoint and samples every 200 steps. SDXL and SD 1.5 follow ai-toolkit's UI presets (ddpm, no
 * quantisation, guidance 6).
 *
 * FLUX rank 16 on every linear layer makes a ~172 MB LoRA (5.37 M parameters per rank in 16-bit): over a 100 MB
 * limit, the pre-flight says so and offers rank 8 (~86 MB) or fewer layers.
 */
export const aiToolkitPresets: Readonly<Record<ModelFamily, AiToolkitPreset>> = {
  flux: {
    arch: 'flux',
    process: {
      ...common,
      datasets: [dataset([512, 768, 1024])],
      train: {
        ...common.train,
        noise_scheduler: 'flowmatch',
        lr: 4e-4,
        ema_config: { use_ema: true, ema_decay: 0.99 },
      },
      model: { name_or_path: 'black-forest-labs/FLUX.1-dev', arch: 'flux', quantize: true },
      sample: sample(1024, 'flowmatch', 4),
    },
  },
  sdxl: {
    arch: 'sdxl',
    process: {
      ...common,
      datasets: [dataset([1024])],
      train: { ...common.train, noise_scheduler: 'ddpm' },
      model: { name_or_path: 'stabilityai/stable-diffusion-xl-base-1.0', arch: 'sdxl', quantize: false },
      sample: sample(1024, 'ddpm', 6),
    },
  },
  sd15: {
    arch: 'sd1',
    process: {
      ...common,
      datasets: [dataset([512])],
      train: { ...common.train, noise_scheduler: 'ddpm' },
      model: { name_or_path: 'stable-diffusion-v1-5/stable-diffusion-v1-5', arch: 'sd1', quantize: false },
      sample: sample(512, 'ddpm', 6),
    },
  },
};
