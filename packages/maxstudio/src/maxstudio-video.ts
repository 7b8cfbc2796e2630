import { ValidationError } from '@model-studio/core';
import { acceptedJob } from './accepted-job.js';
import type { MaxStudioJob } from './maxstudio-client.js';
import { maxStudioProvider } from './maxstudio-errors.js';
import type { Transport } from './maxstudio-transport.js';
import {
  type MaxStudioJobState,
  type MaxStudioVideoFaces,
  type MaxStudioVideoSwapResult,
  parseVideoFaces,
  parseVideoSwapJob,
  unknownJobState,
} from './response-schemas.js';

/** One face to replace in a video: a face image URL from {@link MaxStudioVideoMethods.detectVideoFaces}, and the new face's URL. */
export interface MaxStudioVideoSwapFace {
  /** A URL from the detection's `faces` (as MaxStudio returned it). */
  originalFace: string;
  /** URL of the new face's image (a plain string). */
  newFace: string;
}

/** The body of `POST /video-swap`. */
export interface MaxStudioVideoSwapRequest {
  /** URL of the target video; MaxStudio downloads it (the same video the faces were detected in). */
  mediaUrl: string;
  /** The `swapId` of the detection the `originalFace` URLs come from. */
  swapId: string;
  faces: MaxStudioVideoSwapFace[];
}

/** A video swap job's state; `result` has the output video's URL, and a preview and thumbnail when sent. */
export type MaxStudioVideoSwapJobState = MaxStudioJobState<MaxStudioVideoSwapResult>;

/** The client's video calls (see {@link MaxStudioClient}). */
export interface MaxStudioVideoMethods {
  /**
   * `POST /detect-face-video`: the faces in the video at `videoUrl` (synchronous; creates no job, so it is retried like
   * a poll): a `swapId` and one image URL per face.
   */
  detectVideoFaces(videoUrl: string, options?: { signal?: AbortSignal }): Promise<MaxStudioVideoFaces>;
  /**
   * `POST /video-swap`: submits a paid video swap. Never re-sent once it may have been accepted (reason `uncertain`),
   * like the image calls. Poll it with `getVideoSwapJob` or `waitForJob({ id, operation: 'video-swap' })`.
   */
  submitVideoSwap(
    request: MaxStudioVideoSwapRequest,
    options?: { signal?: AbortSignal },
  ): Promise<MaxStudioJob<'video-swap'>>;
  /** `GET /video-swap/{jobId}`. An unknown job comes back with `notFound: true`, as for the image polls. */
  getVideoSwapJob(jobId: string, options?: { signal?: AbortSignal }): Promise<MaxStudioVideoSwapJobState>;
}

function checkVideoSwap(request: MaxStudioVideoSwapRequest): void {
  if (typeof request.swapId !== 'string' || request.swapId === '')
    throw new ValidationError('A MaxStudio video swap needs the swapId of detectVideoFaces.', { field: 'swapId' });
  if (!Array.isArray(request.faces) || request.faces.length === 0)
    throw new ValidationError('A MaxStudio video swap needs at least one face to replace.', { field: 'faces' });
  for (const face of request.faces) {
    if (typeof face.originalFace !== 'string' || typeof face.newFace !== 'string') {
      throw new ValidationError(
        'originalFace (a face URL from detectVideoFaces) and newFace (the new face image URL) must be plain URL strings.',
        { field: 'faces' },
      );
    }
  }
}

/** The video calls of one client, over its transport. */
export function createVideoMethods(
  transport: Transport,
  encodeSegment: (jobId: string) => string,
): MaxStudioVideoMethods {
  return {
    detectVideoFaces(videoUrl, options = {}) {
      return transport.send({
        method: 'post',
        path: 'detect-face-video',
        json: { videoUrl },
        operation: 'video face detection',
        paid: false,
        read: parseVideoFaces,
        signal: options.signal,
      });
    },
    async submitVideoSwap(request, options = {}) {
      checkVideoSwap(request);
      const body = {
        mediaUrl: request.mediaUrl,
        faces: request.faces.map(({ originalFace, newFace }) => ({ originalFace, newFace })),
        swapId: request.swapId,
      };
      const accepted = await transport.send({
        method: 'post',
        path: 'video-swap',
        json: body,
        operation: 'video swap submission',
        paid: true,
        ...acceptedJob('video swap submission'),
        signal: options.signal,
      });
      return { ...accepted, provider: maxStudioProvider, operation: 'video-swap' };
    },
    async getVideoSwapJob(jobId, options = {}) {
      return transport.send({
        method: 'get',
        path: `video-swap/${encodeSegment(jobId)}`,
        operation: 'video swap poll',
        paid: false,
        jobId,
        read: parseVideoSwapJob,
        notFound: unknownJobState<MaxStudioVideoSwapResult>,
        signal: options.signal,
      });
    },
  };
}
