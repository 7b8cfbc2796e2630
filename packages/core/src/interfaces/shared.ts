/** Provider-specific options, keyed by provider id: `{ maxstudio: { ... } }`. An escape hatch for what the interface lacks. */
export type ProviderOptions = Record<string, Record<string, unknown>>;

/** Options every adapter call accepts. */
export interface CallOptions {
  /** Cancels the call. Adapters must stop work and reject with the signal's reason. */
  signal?: AbortSignal;
  /** Provider-specific options. */
  providerOptions?: ProviderOptions;
}

/** Bytes accepted by adapters: whole bytes or a web stream. */
export type BinaryInput = Uint8Array | ReadableStream<Uint8Array>;

/** A face's bounding box in pixels of the image it was found in. */
export interface BoundingBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A detected face. */
export interface DetectedFace {
  box: BoundingBox;
  /** Detector confidence in [0, 1], when the detector gives one. */
  confidence?: number;
}

/** Reports progress of long work. `total` is undefined when unknown. */
export type ProgressCallback = (progress: { done: number; total?: number }) => void;
