import { readFileSync } from 'node:fs';
import type { CaptionSubject, ImageFacts } from '@model-studio/core';

const read = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));

/** 512x512 JPEG, one face. */
export const graceHopper = read('grace_hopper.jpg');
/** 512x512 PNG, one face. */
export const astronaut = read('astronaut.png');
/** 600x400 PNG, no face. */
export const coffee = read('coffee.png');
/** Facts of grace_hopper.jpg (the face box @model-studio/quality finds, rounded). */
export const graceFacts: ImageFacts = {
  width: 512,
  height: 512,
  faces: [{ x: 170, y: 95, width: 160, height: 186 }],
  exposureMean: 0.4,
  clippedShare: 0.01,
  rating: 'sfw',
};
export const andie: CaptionSubject = { trigger: 'andie', classWord: 'woman', style: 'tags' };
export const notAnImage = new TextEncoder().encode('<html>this is not an image</html>');
