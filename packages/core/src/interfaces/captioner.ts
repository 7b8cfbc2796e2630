import type { CallOptions } from './shared.js';

/** What to caption. */
export interface CaptionRequest {
  image: Uint8Array;
  contentType?: string;
  /** Instruction or template for the captioner. */
  prompt?: string;
}

/** A caption and what it cost. */
export interface CaptionResult {
  text: string;
  usage?: { inputTokens?: number; outputTokens?: number; units?: number; unit?: string };
}

/** Describes one image in words, for training captions. */
export interface Captioner {
  readonly specificationVersion: 'v1';
  readonly provider: string;
  caption(request: CaptionRequest, options?: CallOptions): Promise<CaptionResult>;
}
