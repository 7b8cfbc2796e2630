import type { BoundingBox, CallOptions } from './shared.js';

/**
 * What the pipeline already knows about an image, gathered by the orchestrator from the face checker and the image
 * processor. Offline captioners describe the image from these facts only; other captioners may ignore them.
 */
export interface ImageFacts {
  /** Width in px. */
  width: number;
  /** Height in px. */
  height: number;
  /** Faces found, in px of this image (the number of people is their count). */
  faces?: BoundingBox[];
  /** Mean brightness in [0, 1] (from the face checker's quality figures). */
  exposureMean?: number;
  /** Share of pixels clipped to black or white, in [0, 1]. */
  clippedShare?: number;
  /** The result's rating (`sfw`, `nsfw`). */
  rating?: string;
}

/** The caption styles: natural language (FLUX, T5 encoder) or short comma-separated tags (SD1.5/SDXL, CLIP). */
export type CaptionStyle = 'natural' | 'tags';

/**
 * The model's caption settings (from its config): who the caption is about and how it is written. A captioner given a
 * subject returns the finished training caption: the template filled, known artifacts cleaned, the trigger word
 * exactly once (see `@model-studio/captioning`'s `composeCaption` for adapter authors).
 */
export interface CaptionSubject {
  /** The trigger word that names the person in prompts (e.g. `andie`). */
  trigger: string;
  /** The class word (e.g. `woman`). */
  classWord: string;
  /** Template with `{trigger}`, `{class}`, `{description}`, `{rating}`, `{shot}` placeholders. */
  template?: string;
  /** Text put before every caption of the model. */
  prefix?: string;
  /** Text put after every caption of the model. */
  suffix?: string;
  /** Natural language or tags. */
  style: CaptionStyle;
}

/** What to caption. */
export interface CaptionRequest {
  image: Uint8Array;
  contentType?: string;
  /** Instruction for the captioner (a VLM's prompt); captioners have a default. */
  prompt?: string;
  /** What the pipeline knows about the image. */
  facts?: ImageFacts;
  /** Write a finished training caption for this subject; without it, the captioner returns a plain description. */
  subject?: CaptionSubject;
}

/** A caption and what it cost. */
export interface CaptionResult {
  /** The caption (finished for the request's subject, when one was given). */
  text: string;
  /** The provider's model that described the image (e.g. `Qwen/Qwen2.5-VL-7B-Instruct`, `offline-attributes`). */
  model?: string;
  /** The description as the provider returned it, before cleanup and template. */
  raw?: string;
  usage?: { inputTokens?: number; outputTokens?: number; units?: number; unit?: string };
}

/** Describes one image in words, for training captions. */
export interface Captioner {
  readonly specificationVersion: 'v1';
  readonly provider: string;
  /** Whether calls cost money (the orchestrator journals paid calls write-ahead and never repeats one after a crash). */
  readonly paid?: boolean;
  caption(request: CaptionRequest, options?: CallOptions): Promise<CaptionResult>;
}
