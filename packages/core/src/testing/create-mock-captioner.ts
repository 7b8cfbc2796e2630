import { ProviderError } from '../errors/index.js';
import type { Captioner, CaptionRequest, CaptionResult } from '../interfaces/captioner.js';
import type { CallOptions } from '../interfaces/shared.js';
import { readMockImage } from './mock-image.js';

/** Options of {@link createMockCaptioner}. */
export interface MockCaptionerOptions {
  /** Whether its calls cost money (the orchestrator then reserves and records them). @default false */
  paid?: boolean;
  /** @default 'mock-captioner' */
  provider?: string;
  /** Tokens reported per call. @default { inputTokens: 1000, outputTokens: 20 } */
  usage?: CaptionResult['usage'];
}

/** The mock captioner: a `Captioner` that counts its calls and fails on request. */
export interface MockCaptioner extends Captioner {
  /** Calls answered so far (each a paid call when `paid`). */
  readonly calls: number;
  /** The next call rejects with `error` (default: a retryable `ProviderError` `server`) before anything is charged. */
  failNext(error?: Error): void;
}

/**
 * A deterministic in-memory {@link Captioner} for tests: describes a mock image (see `mockImage`) by its size, its
 * number of faces and its label; with a subject, writes `<prefix><trigger>, <class>, <description><suffix>`. Bytes
 * that are not a mock image reject with `ProviderError` `input`. The real captioners and their emulators are in
 * `@model-studio/captioning`.
 */
export function createMockCaptioner(options: MockCaptionerOptions = {}): MockCaptioner {
  let calls = 0;
  let failure: Error | undefined;
  const provider = options.provider ?? 'mock-captioner';
  return {
    specificationVersion: 'v1',
    provider,
    paid: options.paid ?? false,
    get calls() {
      return calls;
    },
    failNext(error) {
      failure =
        error ?? new ProviderError('mock captioner: server error', { provider, reason: 'server', isRetryable: true });
    },
    async caption(request: CaptionRequest, call: CallOptions = {}): Promise<CaptionResult> {
      call.signal?.throwIfAborted();
      if (failure) {
        const error = failure;
        failure = undefined;
        throw error;
      }
      const image = readMockImage(request.image);
      if (!image)
        throw new ProviderError('mock captioner: not a mock image', { provider, reason: 'input', isRetryable: false });
      calls += 1;
      const orientation = image.width > image.height ? 'landscape' : image.width < image.height ? 'portrait' : 'square';
      const people = image.faces.length === 1 ? 'one person' : `${image.faces.length} people`;
      const raw = `${orientation} photo, ${people}${image.label ? `, ${image.label}` : ''}`;
      const subject = request.subject;
      const text = subject
        ? `${subject.prefix ?? ''}${subject.trigger}, ${subject.classWord}, ${raw}${subject.suffix ?? ''}`
        : raw;
      return { text, raw, model: 'mock-describer', usage: options.usage ?? { inputTokens: 1000, outputTokens: 20 } };
    },
  };
}
