import {
  type CallOptions,
  type DetectedFace,
  type FaceDetector,
  type ImageSource,
  ValidationError,
} from '@model-studio/core';
import { abortIfNeeded } from './abort-if-needed.js';
import { maxStudioProvider } from './maxstudio-errors.js';
import { type ProviderContext, requiresPublicUrls, signedUrlFor } from './provider-support.js';

/** Core's `FaceDetector` on MaxStudio's `/detect-face-image` (the image is handed over as a signed URL). */
export function createMaxStudioFaceDetector(context: ProviderContext): FaceDetector {
  return {
    specificationVersion: 'v1',
    provider: maxStudioProvider,
    /** True unless the client talks to a loopback sandbox or `allowLoopbackUrls` is set: MaxStudio downloads inputs by URL. */
    get requiresPublicUrls() {
      return requiresPublicUrls(context);
    },
    async detectFaces(image: ImageSource, options: CallOptions = {}): Promise<DetectedFace[]> {
      abortIfNeeded(options.signal, 'face detection');
      if (!('key' in image)) {
        throw new ValidationError(
          'MaxStudio detects faces from a URL only: store the image and pass { key } instead of { bytes }.',
          { field: 'image' },
        );
      }
      const url = await signedUrlFor(context, image.key, options.signal);
      const faces = await context.client.detectFaces(url, { signal: options.signal });
      return faces.map((box) => ({ box }));
    },
  };
}
