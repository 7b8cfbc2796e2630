import { ValidationError } from '@model-studio/core';
import { describe, expect, it } from 'vitest';
import {
  estimateLoraBytes,
  inspectLora,
  loraLayers,
  type ModelFamily,
  readSafetensorsHeader,
  sandboxLoraFile,
} from '../src/index.js';

const families: ModelFamily[] = ['flux', 'sdxl', 'sd15'];

describe('sandboxLoraFile + inspectLora', () => {
  for (const family of families) {
    for (const format of ['diffusers', 'comfyui'] as const) {
      it(`${family} ${format}: the sandbox file parses with the rank, format and dtype asked for`, () => {
        const bytes = sandboxLoraFile({ family, rank: 8, format, dtype: 'F16' });
        const found = inspectLora(bytes);
        expect(found).toEqual({
          rank: 8,
          format,
          dtype: 'F16',
          tensors: format === 'diffusers' ? 8 : 12,
          bytes: bytes.byteLength,
        });
        const header = readSafetensorsHeader(bytes);
        expect(header.metadata['ms.sandbox']).toBe('true');
        expect(header.headerLength % 8).toBe(0);
      });
    }
  }

  it('uses the real FLUX tensor names and shapes', () => {
    const { tensors } = readSafetensorsHeader(sandboxLoraFile({ family: 'flux', rank: 16, layers: 1 }));
    expect(tensors['transformer.transformer_blocks.0.attn.to_q.lora_A.weight']).toMatchObject({
      dtype: 'BF16',
      shape: [16, 3072],
    });
    expect(tensors['transformer.transformer_blocks.0.attn.to_q.lora_B.weight']?.shape).toEqual([3072, 16]);
  });

  it('names ComfyUI (kohya) keys for SDXL', () => {
    const { tensors } = readSafetensorsHeader(
      sandboxLoraFile({ family: 'sdxl', rank: 4, format: 'comfyui', layers: 1 }),
    );
    expect(Object.keys(tensors).sort()).toEqual([
      'lora_unet_down_blocks_1_attentions_0_transformer_blocks_0_attn1_to_q.alpha',
      'lora_unet_down_blocks_1_attentions_0_transformer_blocks_0_attn1_to_q.lora_down.weight',
      'lora_unet_down_blocks_1_attentions_0_transformer_blocks_0_attn1_to_q.lora_up.weight',
    ]);
  });

  it('counts the layers SimpleTuner targets by default', () => {
    expect(loraLayers('flux')).toHaveLength(266);
    expect(loraLayers('sdxl')).toHaveLength(560);
    expect(loraLayers('sd15')).toHaveLength(128);
  });
});

describe('estimateLoraBytes', () => {
  for (const family of families) {
    for (const rank of [4, 32]) {
      it(`${family} rank ${rank}: within 1% of a full-size sandbox file`, () => {
        const actual = sandboxLoraFile({ family, rank, layers: 'all' }).byteLength;
        const estimate = estimateLoraBytes({ family, rank });
        expect(Math.abs(estimate - actual) / actual).toBeLessThan(0.01);
      });
    }
  }

  it('matches the reference sizes: FLUX rank 16 bf16 about 52 MB, rank 32 above 100 MB', () => {
    expect(estimateLoraBytes({ family: 'flux', rank: 16 }) / 1e6).toBeCloseTo(52, 0);
    expect(estimateLoraBytes({ family: 'flux', rank: 32 })).toBeGreaterThan(100e6);
    const sdxl = estimateLoraBytes({ family: 'sdxl', rank: 16 }) / 1e6;
    expect(Math.abs(sdxl - 46) / 46).toBeLessThan(0.05);
  });

  it('doubles with F32', () => {
    const bf16 = estimateLoraBytes({ family: 'sd15', rank: 8 });
    const f32 = estimateLoraBytes({ family: 'sd15', rank: 8, dtype: 'F32' });
    expect(f32).toBeGreaterThan(1.9 * bf16);
  });

  it('refuses a bad rank or dtype with a ValidationError', () => {
    expect(() => estimateLoraBytes({ family: 'flux', rank: 0 })).toThrow(ValidationError);
    expect(() => estimateLoraBytes({ family: 'flux', rank: 4, dtype: 'Q4' })).toThrow(/Unknown dtype "Q4"/);
    expect(() => sandboxLoraFile({ family: 'flux', rank: 2000 })).toThrow(/rank must be an integer from 1 to 1024/);
  });
});

describe('inspectLora failure paths', () => {
  it('refuses a truncated file', () => {
    const bytes = sandboxLoraFile({ family: 'sd15', rank: 4 });
    expect(() => inspectLora(bytes.subarray(0, 40))).toThrow(ValidationError);
    expect(() => inspectLora(bytes.subarray(0, bytes.byteLength - 10))).toThrow(/points outside the data section/);
  });

  it('refuses bytes that are not safetensors', () => {
    expect(() => inspectLora(new TextEncoder().encode('not a safetensors file at all'))).toThrow(
      /Not a valid .safetensors/,
    );
    expect(() => inspectLora(new Uint8Array(4))).toThrow(/shorter than the 8-byte/);
  });

  it('refuses a safetensors file without LoRA matrices', () => {
    const json = new TextEncoder().encode(
      JSON.stringify({ 'model.weight': { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }),
    );
    const bytes = new Uint8Array(8 + json.byteLength + 4);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(json.byteLength), true);
    bytes.set(json, 8);
    expect(() => inspectLora(bytes)).toThrow(/no LoRA matrices/);
  });
});
