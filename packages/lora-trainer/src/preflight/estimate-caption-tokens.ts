/**
 * A conservative token count for a caption, for when no tokenizer is given: every word counts one token per 4
 * characters (at least one), every punctuation mark one, plus 2 for the start and end tokens. CLIP and T5 tokenizers
 * give the same or fewer for English captions, so a caption this function accepts fits; one it refuses may still fit
 * (pass a real token-count function to be exact).
 */
export function estimateCaptionTokens(text: string): number {
  let tokens = 2;
  for (const piece of text.match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu) ?? []) {
    tokens += /[\p{L}\p{N}]/u.test(piece) ? Math.max(1, Math.ceil(piece.length / 4)) : 1;
  }
  return tokens;
}
