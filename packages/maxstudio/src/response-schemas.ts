import type { ProviderJobStatus } from '@model-studio/core';

/** A face box as MaxStudio sends it, in pixels of the image. */
export interface MaxStudioFace {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A job's state as read from a poll. */
export interface MaxStudioJobState<Result> {
  /** The status mapped to core's statuses (unknown statuses are `running`). */
  status: ProviderJobStatus;
  /** The status string MaxStudio sent. */
  providerStatus: string;
  /** The output, when completed. */
  result: Result | undefined;
  /** The failure message (or, for an unknown job, the message of a 404 answer), when MaxStudio sent one. */
  error: string | undefined;
  /**
   * True when MaxStudio says it does not know the job: status `not-found` (also `not_found`, `notfound`, any case) or an
   * HTTP 404 to the poll. `status` is then `pending` and `providerStatus` is what was sent (`not-found` for a 404).
   */
  notFound: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isBox(value: unknown): value is MaxStudioFace {
  if (!isRecord(value)) return false;
  return ['x', 'y', 'width', 'height'].every((name) => typeof value[name] === 'number' && Number.isFinite(value[name]));
}

/** `{"jobId": "..."}` (a number is accepted too). */
export function parseJobAccepted(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  const id = body.jobId;
  if (typeof id === 'string' && id !== '') return id;
  if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  return undefined;
}

/** `{"detectedFaces": [...]}` or, as the docs say, `{"faces": [...]}`. */
export function parseDetectedFaces(body: unknown): MaxStudioFace[] | undefined {
  if (!isRecord(body)) return undefined;
  const faces = body.detectedFaces ?? body.faces;
  if (!Array.isArray(faces) || !faces.every(isBox)) return undefined;
  return faces.map(({ x, y, width, height }) => ({ x, y, width, height }));
}

/** Whether a status string means MaxStudio does not know the job (`not-found`, `not_found`, `notfound`, `Not Found`). */
export function isNotFoundStatus(status: string): boolean {
  return /^not[-_ ]?found$/i.test(status.trim());
}

/**
 * Maps MaxStudio's status strings to core's: `completed`, `failed`; `creating`/`pending`/`queued` and `not-found` (the
 * job is not, or not yet, known) are pending; anything else is running.
 */
export function mapJobStatus(status: string): ProviderJobStatus {
  switch (status) {
    case 'completed':
    case 'failed':
    case 'pending':
      return status;
    case 'creating':
    case 'queued':
      return 'pending';
    default:
      return isNotFoundStatus(status) ? 'pending' : 'running';
  }
}

/** The state a poll answered with HTTP 404 stands for: a job MaxStudio does not know (with the 404's message, if any). */
export function unknownJobState<Result>(message: string | undefined): MaxStudioJobState<Result> {
  return { status: 'pending', providerStatus: 'not-found', result: undefined, error: message, notFound: true };
}

function parseJobState<Result>(
  body: unknown,
  readResult: (result: unknown) => Result | undefined,
): MaxStudioJobState<Result> | undefined {
  if (!isRecord(body) || typeof body.status !== 'string') return undefined;
  const status = mapJobStatus(body.status);
  const result = status === 'completed' ? readResult(body.result) : undefined;
  if (status === 'completed' && result === undefined) return undefined;
  const error =
    typeof body.error === 'string' ? body.error : typeof body.message === 'string' ? body.message : undefined;
  return { status, providerStatus: body.status, result, error, notFound: isNotFoundStatus(body.status) };
}

/** `GET /swap-image/{id}`: `{"status", "result": {"mediaUrl"}}`. */
export function parseSwapJob(body: unknown): MaxStudioJobState<{ mediaUrl: string }> | undefined {
  return parseJobState(body, (result) =>
    isRecord(result) && typeof result.mediaUrl === 'string' ? { mediaUrl: result.mediaUrl } : undefined,
  );
}

/** `GET /image-enhancer/{id}`: `{"status", "result": "<base64>"}`. */
export function parseEnhanceJob(body: unknown): MaxStudioJobState<string> | undefined {
  return parseJobState(body, (result) => (typeof result === 'string' && result !== '' ? result : undefined));
}

/** The provider's error message from an error body: `{"error"}` or `{"message"}`, else the raw text (shortened). */
export function readProviderMessage(text: string): string | undefined {
  try {
    const body: unknown = JSON.parse(text);
    if (isRecord(body)) {
      if (typeof body.error === 'string') return body.error;
      if (typeof body.message === 'string') return body.message;
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  const trimmed = text.trim();
  return trimmed === '' ? undefined : trimmed.slice(0, 300);
}

/** What `POST /detect-face-video` answers: the detection's id and a URL per face found in the video. */
export interface MaxStudioVideoFaces {
  /** The detection's id, to send with the video swap. */
  swapId: string;
  /** One image URL per face found in the video (MaxStudio hosts them), to send as `originalFace`. */
  faces: string[];
}

/** `{"swapId", "detectedFaces": ["<url>"]}` (`faces` accepted too, as for images). */
export function parseVideoFaces(body: unknown): MaxStudioVideoFaces | undefined {
  if (!isRecord(body)) return undefined;
  const swapId = typeof body.swapId === 'number' ? String(body.swapId) : body.swapId;
  const faces = body.detectedFaces ?? body.faces;
  if (typeof swapId !== 'string' || swapId === '') return undefined;
  if (!Array.isArray(faces) || !faces.every((face) => typeof face === 'string')) return undefined;
  return { swapId, faces: [...faces] };
}

/** A completed video swap's result: the video's URL, and a preview and thumbnail when MaxStudio sends them. */
export interface MaxStudioVideoSwapResult {
  mediaUrl: string;
  previewUrl: string | undefined;
  thumbnailUrl: string | undefined;
}

/** `GET /video-swap/{id}`: `{"status", "result": {"mediaUrl", "previewUrl", "thumbnailUrl"}}`. */
export function parseVideoSwapJob(body: unknown): MaxStudioJobState<MaxStudioVideoSwapResult> | undefined {
  const optional = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return parseJobState(body, (result) =>
    isRecord(result) && typeof result.mediaUrl === 'string'
      ? {
          mediaUrl: result.mediaUrl,
          previewUrl: optional(result.previewUrl),
          thumbnailUrl: optional(result.thumbnailUrl),
        }
      : undefined,
  );
}
