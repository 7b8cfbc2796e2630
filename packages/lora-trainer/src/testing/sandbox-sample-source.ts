/**
 * The sandbox trainer's validation sample bytes: `sandboxSample` (the face from the dataset, cleanest at a known
 * step) when the pod's env carries a sample schedule (`MS_SANDBOX_SAMPLE_PEAK_STEP`, ...) and the dataset has a
 * decodable image, else the plain `sandboxPng` gradient. JPEG when the engine writes JPEG (ai-toolkit). @internal
 */
import jpeg from 'jpeg-js';
import { type DecodedImage, decodeImage } from '../checkpoints/decode-image.js';
import { sandboxPng } from './sandbox-png.js';
import { type SandboxSampleSchedule, sandboxSample, sandboxSampleScheduleFromEnv } from './sandbox-samples.js';

/** Makes sample images for the sandbox trainer. @internal */
export class SandboxSampleSource {
  readonly #schedule: SandboxSampleSchedule | undefined;
  readonly #face: DecodedImage | undefined;
  readonly #dataset: DecodedImage[];

  /** `images`: the dataset archive's image bytes, in archive order (the first is the face). */
  constructor(env: NodeJS.ProcessEnv, images: readonly Uint8Array[]) {
    this.#schedule = sandboxSampleScheduleFromEnv(env);
    this.#dataset = [];
    for (const [index, bytes] of images.entries()) {
      try {
        this.#dataset.push(decodeImage(bytes, `dataset image ${index}`));
      } catch {
        // placeholder bytes in tests: no face, plain samples
      }
    }
    this.#face = this.#dataset[0];
  }

  /** The sample of prompt `index` at `step`, as PNG or JPEG. */
  sample(step: number, index: number, format: 'png' | 'jpg'): Uint8Array {
    const png =
      this.#schedule && this.#face
        ? sandboxSample({ face: this.#face, step, index, schedule: this.#schedule, dataset: this.#dataset })
        : sandboxPng(index + step);
    if (format === 'png') return png;
    const image = decodeImage(png, 'sandbox sample');
    return new Uint8Array(jpeg.encode({ data: image.data, width: image.width, height: image.height }, 90).data);
  }
}
