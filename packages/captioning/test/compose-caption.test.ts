import type { CaptionSubject } from '@model-studio/core';
import { describe, expect, it } from 'vitest';
import {
  checkCaption,
  composeCaption,
  countTokens,
  countTrigger,
  fillCaptionTemplate,
  shotFromFacts,
} from '../src/index.js';

const andie: CaptionSubject = { trigger: 'andie', classWord: 'woman', style: 'tags' };

describe('composeCaption: the brief examples', () => {
  it('a photo of andie, woman, full body, studio lighting, professional photography', () => {
    const text = composeCaption({
      description: 'studio lighting, professional photography',
      shot: 'full body',
      subject: andie,
    });
    expect(text).toBe('a photo of andie, woman, full body, studio lighting, professional photography');
  });

  it('a photo of andie, woman, portrait, outdoor, natural lighting, smiling (shot from the face box)', () => {
    const text = composeCaption({
      description: 'outdoor, natural lighting, smiling',
      facts: { width: 800, height: 1000, faces: [{ x: 300, y: 200, width: 240, height: 300 }] },
      subject: andie,
    });
    expect(text).toBe('a photo of andie, woman, portrait, outdoor, natural lighting, smiling');
  });
});

describe('composeCaption', () => {
  it('cleans the description and keeps the trigger exactly once', () => {
    const text = composeCaption({ description: 'there is a arafed andie smiling, Andie outdoors', subject: andie });
    expect(countTrigger(text, 'andie')).toBe(1);
    expect(text).toBe('a photo of andie, woman, smiling, outdoors');
  });

  it('adds prefix and suffix, and the trigger when the template lacks it', () => {
    const text = composeCaption({
      description: 'smiling',
      subject: { ...andie, template: '{class}, {description}', prefix: 'masterpiece', suffix: 'high detail' },
    });
    expect(text).toBe('andie, masterpiece, woman, smiling, high detail');
    expect(countTrigger(text, 'andie')).toBe(1);
  });

  it('keeps one trigger when the prefix repeats it', () => {
    const text = composeCaption({ description: 'smiling', subject: { ...andie, prefix: 'andie style' } });
    expect(countTrigger(text, 'andie')).toBe(1);
  });

  it('writes natural language for FLUX', () => {
    const text = composeCaption({
      description: 'She stands in a sunny park, smiling at the camera.',
      shot: 'half body',
      subject: { trigger: 'andie', classWord: 'woman', style: 'natural' },
    });
    expect(text).toBe('a half body photo of andie, a woman. She stands in a sunny park, smiling at the camera.');
  });

  it('fills {rating} and drops empty placeholders with their commas', () => {
    expect(fillCaptionTemplate('{trigger}, {rating}, {shot}, {description}', { trigger: 'andie', rating: 'sfw' })).toBe(
      'andie, sfw',
    );
  });

  it('drops trailing tags until a tags caption fits CLIP', () => {
    const tags = Array.from({ length: 60 }, (_, i) => `detail number ${i}`).join(', ');
    const text = composeCaption({ description: tags, subject: andie });
    expect(countTokens(text, 'tags').over).toBe(false);
    expect(text.startsWith('a photo of andie, woman, detail number 0')).toBe(true);
  });
});

describe('countTokens and checkCaption', () => {
  it('counts CLIP tokens with the real BPE vocabulary', () => {
    const count = countTokens('a photo of andie, woman, full body, studio lighting', 'tags');
    expect(count).toEqual({ tokens: 12, limit: 75, over: false, encoder: 'clip-bpe' });
  });

  it('estimates T5 tokens against 512', () => {
    const count = countTokens('A woman stands in a park.', 'natural');
    expect(count.encoder).toBe('t5-estimate');
    expect(count.limit).toBe(512);
    expect(count.tokens).toBeGreaterThanOrEqual(7);
  });

  it('flags every kind of issue', () => {
    const long = `a photo of andie, ${'very long tag, '.repeat(40)}`;
    expect(checkCaption('', andie).issues).toEqual(['empty', 'trigger-missing']);
    expect(checkCaption('andie andie', andie).issues).toEqual(['trigger-repeated']);
    expect(checkCaption(long, andie).issues).toEqual(['too-long']);
    expect(checkCaption('a photo of andie, arafed woman', andie).issues).toEqual(['artifact']);
    expect(checkCaption('a photo of andie, woman', andie).valid).toBe(true);
  });

  it('picks the shot type from the face box', () => {
    const facts = (faceHeight: number) => ({
      width: 1000,
      height: 1000,
      faces: [{ x: 0, y: 0, width: 10, height: faceHeight }],
    });
    expect(shotFromFacts(facts(500))).toBe('close-up');
    expect(shotFromFacts(facts(300))).toBe('portrait');
    expect(shotFromFacts(facts(200))).toBe('half body');
    expect(shotFromFacts(facts(100))).toBe('full body');
    expect(shotFromFacts({ width: 10, height: 10 })).toBeUndefined();
  });
});
