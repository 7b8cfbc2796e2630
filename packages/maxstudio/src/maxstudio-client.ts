import { ProviderError, type ProviderJobStatus, ValidationError } from '@model-studio/core';
import { acceptedJob } from './accepted-job.js';
import { base64DecodedLength, maxImageBytes } from './image-limits.js';
import { maxStudioProvider } from './maxstudio-errors.js';
import { type MaxStudioSettings, resolveSettings } from './maxstudio-settings.js';
import { createTransport } from './maxstudio-transport.js';
import { createVideoMethods, type MaxStudioVideoMethods, type MaxStudioVideoSwapJobState } from './maxstudio-video.js';
import type { MaxStudioVideoSwapResult } from './response-schemas.js';
import {
  type MaxStudioFace,
  type MaxStudioJobState,
  parseDetectedFaces,
  parseEnhanceJob,
  parseSwapJob,
  unknownJobState,
} from './response-schemas.js';
import { pollJob } from './wait-for-job.js';

/** Options every client method accepts. */
export interface MaxStudioRequestOptions {
  /** Cancels the call; it rejects with a `ProviderError` of reason `aborted`. */
  signal?: AbortSignal;
}

/** One face to replace: its box in the target and the URL of the new face (a flat string, not an object). */
export interface MaxStudioSwapFace {
  originalFace: MaxStudioFace;
  newFace: string;
}

/** The body of `POST /swap-image`. */
export interface MaxStudioSwapRequest {
  /** URL of the target image; MaxStudio downloads it. */
  mediaUrl: string;
  faces: MaxStudioSwapFace[];
}

/** The enhancer's scale factors: 2x or 4x. */
export type MaxStudioUpscale = 2 | 4;

/** The body of `POST /image-enhancer`: the image as raw base64 (no `data:` prefix), or its bytes (encoded for you). */
export interface MaxStudioEnhanceRequest {
  image: string | Uint8Array;
  /**
   * The scale factor, sent as `upscale` (the Python prototype sent `upscale: 2` and described 2 or 4). **Unconfirmed:**
   * MaxStudio's documentation does not list this field and its answers have only been seen at 2x, so the real API may
   * ignore it and always enhance 2x. Check the output's size when you ask for 4. Values other than 2 and 4 are refused
   * with a `ValidationError` before anything is sent.
   * @default 2
   * @example
   * ```ts no-run
   * const job = await client.submitEnhance({ image: bytes, upscale: 4 });
   * ```
   */
  upscale?: MaxStudioUpscale;
}

/** What MaxStudio job kinds this client knows. */
export type MaxStudioOperation = 'swap' | 'enhance' | 'video-swap';

/** How a submission's job id was read from a 2xx answer that was not valid JSON (see {@link MaxStudioJob.malformedBody}). */
export interface MaxStudioMalformedBody {
  /** The answer's HTTP status (2xx). */
  status: number;
  /** The provider's request id, when a header carried one. */
  requestId: string | undefined;
  /** A sentence for logs: the body was malformed and the job id was recovered from its raw text. */
  note: string;
}

/** A submitted job. It has the shape of core's `ProviderJob`: persist `id` and reattach after a restart. */
export interface MaxStudioJob<Operation extends MaxStudioOperation = MaxStudioOperation> {
  id: string;
  provider: 'maxstudio';
  operation: Operation;
  /**
   * Set when MaxStudio answered the submission 2xx with a body that is not valid JSON (cut off or garbled) and the id
   * was recovered from its raw text: exactly one complete `"jobId"` value was in it. The job was accepted (and charged)
   * like any other; log `note`. Without a single complete id such an answer is a `ProviderError` of reason `uncertain`.
   */
  malformedBody?: MaxStudioMalformedBody;
}

/** A swap job's state; `result.mediaUrl` is the output image's URL. */
export type MaxStudioSwapJobState = MaxStudioJobState<{ mediaUrl: string }>;
/** An enhance job's state; `result` is the output image as base64. */
export type MaxStudioEnhanceJobState = MaxStudioJobState<string>;

/** Options of {@link MaxStudioClient.waitForJob}. */
export interface MaxStudioWaitOptions extends MaxStudioRequestOptions {
  /** Give up after this many ms with reason `timeout` (the job may still finish). @default the client's waitTimeout (10 min) */
  timeout?: number;
  /** Called when the job's status changes. Unknown MaxStudio statuses arrive as `running`. */
  onStatus?: (status: ProviderJobStatus, providerStatus: string) => void;
  /** First delay between polls in ms. @default the client's pollInterval (500) */
  pollInterval?: number;
  /**
   * How long a job MaxStudio says it does not know may stay unknown before the wait rejects with reason `job-failed`, in
   * ms. @default the client's unknownJobGracePeriod (10000)
   */
  unknownJobGracePeriod?: number;
  /** How many "not found" polls in a row that takes at least. @default the client's unknownJobPolls (3) */
  unknownJobPolls?: number;
}

/** A typed MaxStudio API client. Create one with {@link createMaxStudio}. */
export interface MaxStudioClient extends MaxStudioVideoMethods {
  /** The base URL requests go to (resolved at each call). */
  readonly baseURL: string;
  /** `POST /detect-face-image`: the faces in the image at `imageUrl` (synchronous). */
  detectFaces(imageUrl: string, options?: MaxStudioRequestOptions): Promise<MaxStudioFace[]>;
  /** `POST /swap-image`: submits a paid swap. Never re-sent once it may have been accepted (reason `uncertain`). */
  submitSwap(request: MaxStudioSwapRequest, options?: MaxStudioRequestOptions): Promise<MaxStudioJob<'swap'>>;
  /**
   * `GET /swap-image/{jobId}`. A job MaxStudio does not know (status `not-found`, or HTTP 404) is returned with
   * `notFound: true` and status `pending`, not thrown: it may be one submitted a moment ago.
   */
  getSwapJob(jobId: string, options?: MaxStudioRequestOptions): Promise<MaxStudioSwapJobState>;
  /**
   * `POST /image-enhancer`: submits a paid enhance, 2x unless `upscale` says 4 (whether the real API reads `upscale` is
   * unconfirmed). Images over 5 MB are refused before anything is sent.
   */
  submitEnhance(request: MaxStudioEnhanceRequest, options?: MaxStudioRequestOptions): Promise<MaxStudioJob<'enhance'>>;
  /** `GET /image-enhancer/{jobId}`. An unknown job comes back as for {@link MaxStudioClient.getSwapJob}. */
  getEnhanceJob(jobId: string, options?: MaxStudioRequestOptions): Promise<MaxStudioEnhanceJobState>;
  /**
   * Polls a job (new, or reattached from a stored id) until it completes. `failed` rejects with reason `job-failed`, and
   * so does a job MaxStudio keeps saying it does not know (expired, another account's, or a restarted sandbox's) once
   * `unknownJobPolls` polls over `unknownJobGracePeriod` ms said so: it will never finish, so submit it again.
   * Running out of `timeout` rejects with reason `timeout` (the job may still finish: wait again with its id).
   */
  waitForJob(
    job: { id: string; operation: 'swap' },
    options?: MaxStudioWaitOptions,
  ): Promise<MaxStudioSwapJobState & { result: { mediaUrl: string } }>;
  waitForJob(
    job: { id: string; operation: 'enhance' },
    options?: MaxStudioWaitOptions,
  ): Promise<MaxStudioEnhanceJobState & { result: string }>;
  waitForJob(
    job: { id: string; operation: 'video-swap' },
    options?: MaxStudioWaitOptions,
  ): Promise<MaxStudioVideoSwapJobState & { result: MaxStudioVideoSwapResult }>;
  waitForJob(
    job: { id: string; operation: string },
    options?: MaxStudioWaitOptions,
  ): Promise<
    | (MaxStudioSwapJobState & { result: { mediaUrl: string } })
    | (MaxStudioEnhanceJobState & { result: string })
    | (MaxStudioVideoSwapJobState & { result: MaxStudioVideoSwapResult })
  >;
  /** Downloads a result URL (no API key is sent to it). */
  downloadResult(
    url: string,
    job: { id: string; operation: string },
    options?: MaxStudioRequestOptions,
  ): Promise<{ bytes: Uint8Array; contentType: string | undefined }>;
}

const encodeSegment = (jobId: string) => {
  if (jobId === '') throw new ValidationError('A MaxStudio job id must not be empty.', { field: 'jobId' });
  return encodeURIComponent(jobId);
};

/**
 * Creates a MaxStudio client. All calls of one client share a rate limiter (max concurrency, requests per second,
 * adaptive slowdown on 429) and a retry budget.
 *
 * @example
 * ```ts no-run
 * import { createMaxStudio } from '@model-studio/maxstudio';
 * const client = createMaxStudio(); // reads MAXSTUDIO_API_KEY at each request
 * const faces = await client.detectFaces('https://example.com/photo.jpg');
 * ```
 */
export function createMaxStudio(settings: MaxStudioSettings = {}): MaxStudioClient {
  const resolved = resolveSettings(settings);
  const transport = createTransport(settings, resolved);

  const getSwapJob = (jobId: string, options: MaxStudioRequestOptions = {}) =>
    transport.send({
      method: 'get',
      path: `swap-image/${encodeSegment(jobId)}`,
      operation: 'swap poll',
      paid: false,
      jobId,
      read: parseSwapJob,
      notFound: unknownJobState<{ mediaUrl: string }>,
      signal: options.signal,
    });
  const getEnhanceJob = (jobId: string, options: MaxStudioRequestOptions = {}) =>
    transport.send({
      method: 'get',
      path: `image-enhancer/${encodeSegment(jobId)}`,
      operation: 'enhance poll',
      paid: false,
      jobId,
      read: parseEnhanceJob,
      notFound: unknownJobState<string>,
      signal: options.signal,
    });

  const video = createVideoMethods(transport, encodeSegment);

  const client: MaxStudioClient = {
    ...video,
    get baseURL() {
      return transport.baseURL;
    },
    detectFaces(imageUrl, options = {}) {
      // Detection is synchronous and creates no job, so it is safe to retry.
      return transport.send({
        method: 'post',
        path: 'detect-face-image',
        json: { imageUrl },
        operation: 'face detection',
        paid: false,
        read: parseDetectedFaces,
        signal: options.signal,
      });
    },
    async submitSwap(request, options = {}) {
      if (request.faces.length === 0)
        throw new ValidationError('A MaxStudio swap needs at least one face to replace.', { field: 'faces' });
      for (const face of request.faces) {
        if (typeof face.newFace !== 'string') {
          throw new ValidationError(
            'newFace must be the source face image URL as a plain string (MaxStudio answers 400 to an object).',
            { field: 'faces.newFace' },
          );
        }
      }
      const body = {
        mediaUrl: request.mediaUrl,
        faces: request.faces.map(({ originalFace: { x, y, width, height }, newFace }) => ({
          originalFace: { x, y, width, height },
          newFace,
        })),
      };
      const accepted = await transport.send({
        method: 'post',
        path: 'swap-image',
        json: body,
        operation: 'swap submission',
        paid: true,
        ...acceptedJob('swap submission'),
        signal: options.signal,
      });
      return { ...accepted, provider: maxStudioProvider, operation: 'swap' };
    },
    getSwapJob,
    async submitEnhance(request, options = {}) {
      const upscale = request.upscale ?? 2;
      if (upscale !== 2 && upscale !== 4) {
        throw new ValidationError(`upscale must be 2 or 4 (got ${String(upscale)}); nothing was sent.`, {
          field: 'upscale',
          value: upscale,
        });
      }
      const image = typeof request.image === 'string' ? request.image : Buffer.from(request.image).toString('base64');
      if (image.startsWith('data:')) {
        throw new ValidationError('MaxStudio wants raw base64 for enhance, without a data: prefix.', {
          field: 'image',
        });
      }
      const size = base64DecodedLength(image);
      if (size > maxImageBytes) {
        throw new ProviderError(
          `The image is ${(size / 1048576).toFixed(2)} MB; MaxStudio accepts at most 5 MB. Resize or recompress it first (nothing was sent).`,
          {
            provider: maxStudioProvider,
            reason: 'input',
            isRetryable: false,
          },
        );
      }
      const accepted = await transport.send({
        method: 'post',
        path: 'image-enhancer',
        json: { image, upscale },
        operation: 'enhance submission',
        paid: true,
        ...acceptedJob('enhance submission'),
        signal: options.signal,
      });
      return { ...accepted, provider: maxStudioProvider, operation: 'enhance' };
    },
    getEnhanceJob,
    // biome-ignore lint/suspicious/noExplicitAny: the overloads above give callers precise types
    waitForJob(job: { id: string; operation: string }, options: MaxStudioWaitOptions = {}): Promise<any> {
      const poll = {
        jobId: job.id,
        operation: job.operation,
        signal: options.signal,
        timeout: options.timeout ?? resolved.waitTimeout,
        pollInterval: options.pollInterval ?? resolved.pollInterval,
        maxPollInterval: Math.max(resolved.maxPollInterval, options.pollInterval ?? 0),
        onStatus: options.onStatus,
        unknownJobGracePeriod: options.unknownJobGracePeriod ?? resolved.unknownJobGracePeriod,
        unknownJobPolls: options.unknownJobPolls ?? resolved.unknownJobPolls,
      };
      if (job.operation === 'swap') return pollJob((signal) => getSwapJob(job.id, { signal }), poll);
      if (job.operation === 'enhance') return pollJob((signal) => getEnhanceJob(job.id, { signal }), poll);
      if (job.operation === 'video-swap') return pollJob((signal) => video.getVideoSwapJob(job.id, { signal }), poll);
      return Promise.reject(
        new ValidationError(
          `Unknown MaxStudio job operation "${job.operation}": expected "swap", "enhance" or "video-swap".`,
          {
            field: 'operation',
            value: job.operation,
          },
        ),
      );
    },
    downloadResult(url, job, options = {}) {
      return transport.download(url, `${job.operation} result download`, job.id, options.signal);
    },
  };
  return client;
}

/**
 * The default client: reads `MAXSTUDIO_API_KEY` (and `MAXSTUDIO_BASE_URL`) from the environment at each request.
 *
 * @example
 * ```ts no-run
 * import { maxstudio } from '@model-studio/maxstudio';
 * const job = await maxstudio.submitEnhance({ image: bytes });
 * const done = await maxstudio.waitForJob(job);
 * ```
 */
export const maxstudio: MaxStudioClient = createMaxStudio();
