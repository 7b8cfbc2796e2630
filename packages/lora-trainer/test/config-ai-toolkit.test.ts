import { ValidationError } from '@model-studio/core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  aiToolkitFiles,
  aiToolkitRunFacts,
  buildAiToolkitConfig,
  buildSimpleTunerConfig,
  engineOfConfig,
  type ModelFamily,
  parseAiToolkitConfig,
  validateAiToolkitConfig,
} from '../src/index.js';

/** Reads a dotted path (`config.process.0.network.linear`) from parsed YAML. */
function at(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], value);
}

const p = 'config.process.0';

/** preset x overrides -> the keys of the YAML ai-toolkit reads. */
const table: Array<{ family: ModelFamily; overrides?: Record<string, unknown>; expected: Record<string, unknown> }> = [
  {
    family: 'flux',
    expected: {
      job: 'extension',
      'config.name': 'andie_flux_lora',
      [`${p}.type`]: 'sd_trainer',
      [`${p}.trigger_word`]: 'andie',
      [`${p}.network.type`]: 'lora',
      [`${p}.network.linear`]: 16,
      [`${p}.network.linear_alpha`]: 16,
      [`${p}.train.optimizer`]: 'adamw8bit',
      [`${p}.train.steps`]: 1000,
      [`${p}.train.noise_scheduler`]: 'flowmatch',
      [`${p}.train.dtype`]: 'bf16',
      [`${p}.model.name_or_path`]: 'black-forest-labs/FLUX.1-dev',
      [`${p}.model.arch`]: 'flux',
      [`${p}.model.quantize`]: true,
      [`${p}.datasets.0.caption_ext`]: 'txt',
      [`${p}.datasets.0.resolution`]: [512, 768, 1024],
      [`${p}.save.save_every`]: 200,
      [`${p}.sample.sample_every`]: 200,
      [`${p}.sample.sampler`]: 'flowmatch',
      [`${p}.sample.prompts.0`]: 'a photo of [trigger] woman',
      [`${p}.logging.use_ui_logger`]: true,
    },
  },
  {
    family: 'flux',
    overrides: { network: { linear: 8, linear_alpha: 8 }, 'train.steps': 2000 },
    expected: {
      [`${p}.network.linear`]: 8,
      [`${p}.network.linear_alpha`]: 8,
      [`${p}.network.type`]: 'lora',
      [`${p}.train.steps`]: 2000,
      [`${p}.train.optimizer`]: 'adamw8bit',
    },
  },
  {
    family: 'flux',
    overrides: {
      datasets: [
        {
          folder_path: '/data/x',
          caption_ext: 'txt',
          caption_dropout_rate: 0,
          shuffle_tokens: false,
          cache_latents_to_disk: false,
          resolution: [1024],
        },
      ],
    },
    expected: { [`${p}.datasets.0.resolution`]: [1024], [`${p}.datasets.0.folder_path`]: '/data/x' },
  },
  {
    family: 'sdxl',
    expected: {
      [`${p}.model.arch`]: 'sdxl',
      [`${p}.model.quantize`]: false,
      [`${p}.train.noise_scheduler`]: 'ddpm',
      [`${p}.sample.sampler`]: 'ddpm',
      [`${p}.datasets.0.resolution`]: [1024],
    },
  },
  {
    family: 'sd15',
    overrides: { 'sample.sample_every': 100, 'save.save_every': 100 },
    expected: {
      [`${p}.model.arch`]: 'sd1',
      [`${p}.sample.width`]: 512,
      [`${p}.sample.sample_every`]: 100,
      [`${p}.save.save_every`]: 100,
      [`${p}.datasets.0.resolution`]: [512],
    },
  },
];

describe('buildAiToolkitConfig: preset x overrides -> YAML keys', () => {
  for (const [index, row] of table.entries()) {
    it(`${row.family} #${index}: ${Object.keys(row.overrides ?? {}).join(', ') || 'preset'}`, () => {
      const config = buildAiToolkitConfig({
        family: row.family,
        trigger: 'andie',
        classWord: 'woman',
        ...(row.overrides && { overrides: row.overrides }),
      });
      const yaml = aiToolkitFiles(config)['config.yaml'];
      const parsed = parse(yaml);
      for (const [path, value] of Object.entries(row.expected)) expect(at(parsed, path), path).toEqual(value);
      expect(parseAiToolkitConfig(yaml, row.family)).toEqual(config);
      expect(engineOfConfig(config as unknown as Record<string, unknown>)).toBe('ai-toolkit');
    });
  }

  it('a SimpleTuner config is recognised as such', () => {
    expect(engineOfConfig(buildSimpleTunerConfig({ family: 'flux', trigger: 'andie' }))).toBe('simpletuner');
  });

  it('run facts: checkpoints every save_every before the end, samples at 0, every sample_every and the end', () => {
    const facts = aiToolkitRunFacts(buildAiToolkitConfig({ family: 'flux', trigger: 'andie' }));
    expect(facts).toMatchObject({ name: 'andie_flux_lora', steps: 1000, rank: 16, prompts: 2 });
    expect(facts.checkpointSteps).toEqual([200, 400, 600, 800]);
    expect(facts.sampleSteps).toEqual([0, 200, 400, 600, 800, 1000]);
  });
});

describe('ai-toolkit schema failures are typed errors that list every problem', () => {
  const cases: Array<[string, Record<string, unknown>, RegExp[]]> = [
    ['a misspelt key', { network: { linear: 16, linear_alpha: 16, lineer: 8 } }, [/unknown key "lineer"/]],
    ['a wrong type', { 'train.steps': '1000' }, [/train\.steps/]],
    ['a sampler that differs from the scheduler', { 'sample.sampler': 'ddpm' }, [/must match train\.noise_scheduler/]],
    [
      'a resolution not a multiple of 64',
      {
        datasets: [
          {
            folder_path: '/d',
            caption_ext: 'txt',
            caption_dropout_rate: 0,
            shuffle_tokens: false,
            cache_latents_to_disk: true,
            resolution: [500],
          },
        ],
      },
      [/multiple of 64/],
    ],
    [
      'checkpoints never reached and two problems at once',
      { 'save.save_every': 5000, 'train.train_text_encoder': true },
      [/no checkpoint would be saved/, /train_text_encoder must be false/],
    ],
    ['a placeholder', { 'model.name_or_path': '<YOUR_MODEL>' }, [/placeholder/]],
    ['an arch from another family', { 'model.arch': 'sdxl' }, [/does not match the flux preset/]],
  ];
  for (const [name, overrides, messages] of cases) {
    it(name, () => {
      let caught: unknown;
      try {
        buildAiToolkitConfig({ family: 'flux', trigger: 'andie', overrides });
      } catch (error) {
        caught = error;
      }
      expect(ValidationError.isInstance(caught)).toBe(true);
      for (const message of messages) expect((caught as Error).message).toMatch(message);
      expect((caught as Error).message).toMatch(/^The ai-toolkit config is invalid/);
    });
  }

  it('refuses a bad trigger word, bad YAML and a config without process', () => {
    expect(() => buildAiToolkitConfig({ family: 'flux', trigger: 'two words' })).toThrow(ValidationError);
    expect(() => parseAiToolkitConfig('job: [unclosed', 'flux')).toThrow(/not valid YAML/);
    expect(() => validateAiToolkitConfig({ job: 'extension', config: { name: 'x' } }, 'flux')).toThrow(/process/);
  });
});
