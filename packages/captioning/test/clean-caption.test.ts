import { describe, expect, it } from 'vitest';
import { cleanCaption, findCaptionArtifacts, removeRepeatedPhrases } from '../src/index.js';

describe('cleanCaption', () => {
  it.each([
    ['arafed', 'arafed woman standing in a field', 'woman standing in a field'],
    ['araffe', 'a araffe man sitting on a bench', 'a man sitting on a bench'],
    ['arafy', 'an arafy woman in a red dress', 'a woman in a red dress'],
    ['article before a vowel', 'a arafed old man', 'an old man'],
    ['capitalised artifact', 'Arafed woman smiling', 'woman smiling'],
    ['there is a', 'there is a woman sitting on a chair', 'woman sitting on a chair'],
    ['there is an + arafed', 'there is an arafed woman holding a cup', 'woman holding a cup'],
    ['a picture of', 'a picture of a woman with long hair', 'woman with long hair'],
    ['an image of', 'an image of a man in a suit', 'man in a suit'],
    ["person ' s", "a close up of a person ' s face", "person's face"],
    ["woman ' s", "woman ' s hand holding a phone", "woman's hand holding a phone"],
    ['repeated word', 'woman woman smiling at the camera', 'woman smiling at the camera'],
    [
      'repetition loop',
      'woman wearing a white shirt and a white shirt and a white shirt',
      'woman wearing a white shirt',
    ],
    ['repeated phrase with comma', 'smiling, in a park, in a park', 'smiling, in a park'],
    ['trailing fragment "with a"', 'woman standing in a field with a', 'woman standing in a field'],
    ['trailing "and"', 'woman in a garden, smiling and', 'woman in a garden, smiling'],
    ['trailing comma', 'portrait, studio lighting,', 'portrait, studio lighting'],
    ['spaces and commas', '  woman ,  smiling ,, outdoors ', 'woman, smiling, outdoors'],
    [
      'already clean',
      'woman with short hair, outdoor, natural lighting',
      'woman with short hair, outdoor, natural lighting',
    ],
  ])('%s', (_name, input, expected) => {
    expect(cleanCaption(input)).toBe(expected);
    // Idempotent: cleaning a clean caption changes nothing.
    expect(cleanCaption(expected)).toBe(expected);
  });

  it('finds the artifacts it removes, and none in the result', () => {
    const raw = "there is a arafed woman with a person ' s hat";
    expect(findCaptionArtifacts(raw)).toEqual(expect.arrayContaining(['arafed', "n ' s", 'there is']));
    expect(findCaptionArtifacts(cleanCaption(raw))).toEqual([]);
  });

  it('does not flag the template opening "a photo of" as an artifact', () => {
    expect(findCaptionArtifacts('a photo of andie, woman, portrait')).toEqual([]);
  });

  it('keeps words that only contain an artifact-like prefix', () => {
    expect(cleanCaption('woman near a giraffe')).toBe('woman near a giraffe');
  });

  it('removes long repetition loops down to one copy', () => {
    expect(removeRepeatedPhrases('a b c a b c a b c a b c')).toBe('a b c');
  });
});
