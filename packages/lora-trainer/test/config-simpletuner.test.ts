import { ValidationError } from '@model-studio/core';
import { describe, expect, it } from 'vitest';
import {
  buildMultiDataBackend,
  buildSimpleTunerConfig,
  type ModelFamily,
  simpleTunerFiles,
  simpleTunerRepeats,
  validateSimpleTunerConfig,
} from '../src/index.js';

const presets: Array<[ModelFamily, Record<string, unknown>]> = [
  [
    'flux',
    {
      model_family: 'flux',
      model_flavour: 'dev',
      resolution: 1024,
      resolution_type: 'pixel_area',
      base_model_precision: 'int8-quanto',
      validation_resolution: '1024x1024',
      validation_guidance: 3.5,
      flux_lora_target: 'all',
    },
  ],
  ['sdxl', { model_family: 'sdxl', model_flavour: 'base-1.0', resolution: 1024, validation_guidance: 5 }],
  [
    'sd15',
    {
      model_family: 'sd1x',
      model_flavour: '1.5',
      resolution: 512,
      resolution_type: 'pixel',
      validation_resolution: '512x512',
    },
  ],
];

describe('buildSimpleTunerConfig presets', () => {
  for (const [family, expected] of presets) {
    it(`${family}: sets the non-defaults that burn users`, () => {
      const config = buildSimpleTunerConfig({ family, trigger: 'andie', classWord: 'woman' });
      expect(config).toMatchObject({
        ...expected,
        model_type: 'lora',
        learning_rate: 1e-4,
        train_batch_size: 1,
        max_train_steps: 1500,
        num_train_epochs: 0,
        report_to: 'simpletuner',
        lora_format: 'diffusers',
        seed: 42,
        validation_prompt: 'a photo of andie woman',
        checkpoint_step_interval: 250,
        validation_step_interval: 250,
      });
    });
  }

  it('applies overrides, accepting keys with a leading --', () => {
    const config = buildSimpleTunerConfig({
      family: 'flux',
      trigger: 'andie',
      overrides: { '--max_train_steps': 2000, lora_rank: 8, lora_format: 'comfyui' },
    });
    expect(config.max_train_steps).toBe(2000);
    expect(config.lora_rank).toBe(8);
    expect(config.lora_format).toBe('comfyui');
    expect(config.validation_prompt).toBe('a photo of andie person');
  });
});

const invalid: Array<[string, ModelFamily, Record<string, unknown>, RegExp]> = [
  ['an unknown key', 'flux', { learning_rat: 1e-4 }, /unknown key "learning_rat"/],
  ['steps and epochs both set', 'flux', { num_train_epochs: 10 }, /max_train_steps and num_train_epochs are both set/],
  ['neither steps nor epochs', 'sdxl', { max_train_steps: 0 }, /neither max_train_steps nor num_train_epochs/],
  ['pixel resolution below 512', 'sd15', { resolution: 256 }, /resolution 256 px is below 512/],
  ['pixel_area resolution below 512', 'flux', { resolution: 448 }, /resolution 448 px is below 512/],
  [
    'a flavour outside the family',
    'flux',
    { model_flavour: 'base-1.0' },
    /model_flavour "base-1.0" is not a flux flavour/,
  ],
  ['an SD1.5 flavour on SDXL', 'sdxl', { model_flavour: '1.5' }, /not a sdxl flavour/],
  ['a full fine-tune', 'sdxl', { model_type: 'full' }, /model_type must be "lora"/],
  ['a wrong report_to', 'flux', { report_to: 'simple_tuner' }, /report_to/],
  ['a bad validation resolution', 'flux', { validation_resolution: '1024 by 1024' }, /WIDTHxHEIGHT/],
  ['a placeholder', 'flux', { pretrained_model_name_or_path: '<your model>' }, /placeholder/],
  ['a family mismatch', 'sdxl', { model_family: 'flux' }, /does not match the sdxl preset/],
  ['flux_lora_target on SD1.5', 'sd15', { flux_lora_target: 'all' }, /flux_lora_target is for FLUX only/],
  ['a negative learning rate', 'sd15', { learning_rate: -1 }, /learning_rate/],
];

describe('invalid combinations give a ValidationError that says what to do', () => {
  for (const [name, family, overrides, message] of invalid) {
    it(name, () => {
      const attempt = () => buildSimpleTunerConfig({ family, trigger: 'andie', overrides });
      expect(attempt).toThrow(ValidationError);
      expect(attempt).toThrow(message);
    });
  }

  it('lists several problems at once', () => {
    const base = buildSimpleTunerConfig({ family: 'sd15', trigger: 'andie' });
    expect(() => validateSimpleTunerConfig({ ...base, num_train_epochs: 3, resolution: 300 }, 'sd15')).toThrow(
      /both set[\s\S]*below 512/,
    );
  });

  it('refuses a trigger word with spaces', () => {
    expect(() => buildSimpleTunerConfig({ family: 'flux', trigger: 'two words' })).toThrow(/trigger word "two words"/);
  });
});

describe('multidatabackend.json', () => {
  it('has one image dataset and exactly one default text-embeds dataset; repeats = kohya - 1', () => {
    const backends = buildMultiDataBackend({
      instanceDataDir: '/workspace/dataset/simpletuner/images',
      cacheDir: '/workspace/cache',
      kohyaRepeats: 10,
      resolution: 1024,
      resolutionType: 'pixel_area',
    });
    expect(backends).toHaveLength(2);
    expect(backends[0]).toMatchObject({ caption_strategy: 'textfile', repeats: 9, minimum_image_size: 512 });
    expect(backends[1]).toMatchObject({ dataset_type: 'text_embeds', default: true });
    const config = buildSimpleTunerConfig({ family: 'flux', trigger: 'andie' });
    const files = simpleTunerFiles(config, backends);
    expect(JSON.parse(files['config.json']).model_flavour).toBe('dev');
    expect(JSON.parse(files['multidatabackend.json'])).toEqual(backends);
  });

  it('refuses a second default text-embeds dataset and bad repeats', () => {
    const backends = buildMultiDataBackend({
      instanceDataDir: 'i',
      cacheDir: 'c',
      kohyaRepeats: 1,
      resolution: 512,
      resolutionType: 'pixel',
    });
    const config = buildSimpleTunerConfig({ family: 'sd15', trigger: 'andie' });
    const second = {
      id: 'more',
      type: 'local' as const,
      dataset_type: 'text_embeds' as const,
      default: true,
      cache_dir: 'x',
    };
    expect(() => simpleTunerFiles(config, [...backends, second])).toThrow(/exactly one default text-embeds dataset/);
    expect(simpleTunerRepeats(1)).toBe(0);
    expect(() => simpleTunerRepeats(0)).toThrow(ValidationError);
  });
});
