import type { DecodedImage } from './decode-image.js';

function colourName([r, g, b]: [number, number, number]): string {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  if (max - min < 24) return max < 70 ? 'dark' : max > 190 ? 'white' : 'grey';
  if (r >= g && r >= b) return g > b + 30 ? 'warm yellow' : 'warm red';
  if (g >= r && g >= b) return 'green';
  return 'blue';
}

function orientation(image: DecodedImage): string {
  if (image.width > image.height * 1.1) return 'landscape';
  if (image.height > image.width * 1.1) return 'vertical';
  return 'square';
}

/**
 * The sandbox's caption of an image: made from its size, orientation, mean colour and brightness, so a test can tell
 * the image arrived intact (`a person in a grey scene, vertical 512x600 frame, soft light`).
 */
export function sandboxCaption(image: DecodedImage): string {
  const light = image.brightness < 0.3 ? 'dim light' : image.brightness > 0.7 ? 'bright light' : 'soft light';
  return `a person in a ${colourName(image.mean)} scene, ${orientation(image)} ${image.width}x${image.height} frame, ${light}`;
}

/** A BLIP-style caption with its known artifacts, for cleanup tests. */
export function sandboxBlipCaption(image: DecodedImage): string {
  return `there is a arafed person standing in a ${colourName(image.mean)} room with a person ' s hat and a hat and a hat with a`;
}

/**
 * CLIP-IQA-like zero-shot scores from the image: "Good photo." rises with contrast (sharp, lively pictures) and falls
 * with exposure far from mid-grey. Softmax over the two labels, like the real pipeline.
 */
export function sandboxZeroShot(image: DecodedImage, labels: string[]): Array<{ label: string; score: number }> {
  const quality = Math.min(1, image.contrast / 64) - Math.abs(image.brightness - 0.5);
  const logits = labels.map((label) => (/good/i.test(label) ? 3 * (quality - 0.4) : 0));
  const max = Math.max(...logits);
  const exps = logits.map((v) => Math.exp(v - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return labels.map((label, i) => ({ label, score: exps[i]! / total })).sort((a, b) => b.score - a.score);
}

/** Rough token figures for usage: image patches of 28 px (Qwen2.5-VL style, capped) plus prompt words. */
export function sandboxUsage(image: DecodedImage, prompt: string, caption: string) {
  const imageTokens = Math.min(1280, Math.ceil(image.width / 28) * Math.ceil(image.height / 28));
  const promptTokens = imageTokens + Math.ceil(prompt.split(/\s+/).length * 1.3);
  const completionTokens = Math.ceil(caption.split(/\s+/).length * 1.3);
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}
