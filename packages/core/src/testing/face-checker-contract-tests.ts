import { ValidationError } from '../errors/index.js';
import type { FaceChecker } from '../interfaces/index.js';
import type { StorageContractTestApi } from './storage-contract-tests.js';

/** The parts of a test runner the suite uses (the same as the storage suite's): vitest's and jest's fit as is. */
export type FaceCheckerContractTestApi = StorageContractTestApi;

/** Sample images the suite runs on. Core ships no images: bring your own (public-domain portraits work well). */
export interface FaceCheckerContractSamples {
  /** A photo with exactly one clearly visible face. */
  oneFace: Uint8Array;
  /** A photo with no human face. */
  noFace: Uint8Array;
  /** Another photo of the person in `oneFace` (e.g. rotated, re-cropped or re-compressed). */
  sameAsOneFace?: Uint8Array;
  /** A photo of a different person, with one face. */
  otherPerson?: Uint8Array;
}

/** What {@link faceCheckerContractTests} runs against. */
export interface FaceCheckerContractOptions {
  /** Shown in the suite's name, e.g. `quality (wasm)`. */
  name: string;
  /** Makes the checker under test (once, before the suite). */
  create: () => Promise<FaceChecker> | FaceChecker;
  /** Releases it after the suite (stop workers). */
  destroy?: (checker: FaceChecker) => Promise<void> | void;
  samples: FaceCheckerContractSamples;
  /**
   * Per-test timeout in ms (model loading can be slow).
   * @default 120000
   */
  timeout?: number;
}

/**
 * The contract every {@link FaceChecker} meets: face counts on a one-face and a no-face photo, boxes inside the image,
 * embeddings with a distance that is zero for the same vector, symmetric, and smaller for the same person than for
 * another, quality figures in their ranges, and refusals (aborted signal, undecodable bytes).
 *
 * @example
 * ```ts no-run
 * import { afterAll, beforeAll, describe, expect, it } from 'vitest';
 * import { faceCheckerContractTests } from '@model-studio/core/testing';
 * faceCheckerContractTests({ describe, it, expect, beforeAll, afterAll }, {
 *   name: 'my checker',
 *   create: () => createMyChecker(),
 *   samples: { oneFace, noFace },
 * });
 * ```
 */
export function faceCheckerContractTests(api: FaceCheckerContractTestApi, options: FaceCheckerContractOptions): void {
  const { describe, it, expect, beforeAll, afterAll } = api;
  const { samples } = options;
  const timeout = options.timeout ?? 120_000;
  describe(`FaceChecker contract: ${options.name}`, () => {
    let checker: FaceChecker;
    beforeAll(async () => {
      checker = await options.create();
    }, timeout);
    afterAll(async () => {
      if (checker) await options.destroy?.(checker);
    }, timeout);

    it('declares specificationVersion v1 and a provider id', () => {
      expect(checker.specificationVersion).toBe('v1');
      expect(typeof checker.provider).toBe('string');
      expect(checker.provider.length).toBeGreaterThan(0);
    });

    it(
      'finds exactly one face, with a box of positive size and a confidence in [0, 1]',
      async () => {
        const faces = await checker.faces({ bytes: samples.oneFace });
        expect(faces).toHaveLength(1);
        const [face] = faces;
        expect(face?.box.width).toBeGreaterThan(0);
        expect(face?.box.height).toBeGreaterThan(0);
        expect(face?.box.x).toBeGreaterThanOrEqual(0);
        expect(face?.box.y).toBeGreaterThanOrEqual(0);
        if (face?.confidence !== undefined) {
          expect(face.confidence).toBeGreaterThanOrEqual(0);
          expect(face.confidence).toBeLessThanOrEqual(1);
        }
      },
      timeout,
    );

    it(
      'finds no face in a photo without one',
      async () => {
        expect(await checker.faces({ bytes: samples.noFace })).toHaveLength(0);
      },
      timeout,
    );

    it(
      'embeds the face: finite numbers, distance 0 to itself, symmetric',
      async () => {
        const [face] = await checker.embeddings({ bytes: samples.oneFace });
        expect(face).toBeDefined();
        const embedding = face!.embedding;
        expect(embedding.length).toBeGreaterThan(0);
        expect(Array.from(embedding).every(Number.isFinite)).toBe(true);
        expect(checker.distance(embedding, embedding)).toBeLessThan(1e-6);
        const shifted = Float32Array.from(embedding, (v, i) => v + (i % 2 ? 0.01 : -0.01));
        expect(checker.distance(embedding, shifted)).toBeGreaterThan(0);
        expect(checker.distance(embedding, shifted)).toBeCloseTo(checker.distance(shifted, embedding), 6);
      },
      timeout,
    );

    it(
      'embeds only the given boxes when boxes are passed',
      async () => {
        const faces = await checker.faces({ bytes: samples.oneFace });
        const embedded = await checker.embeddings({ bytes: samples.oneFace }, { boxes: faces.map((f) => f.box) });
        expect(embedded).toHaveLength(faces.length);
      },
      timeout,
    );

    if (samples.sameAsOneFace) {
      const same = samples.sameAsOneFace;
      it(
        'gives the same person a smaller distance than another person',
        async () => {
          const [a] = await checker.embeddings({ bytes: samples.oneFace });
          const [b] = await checker.embeddings({ bytes: same });
          expect(a && b).toBeTruthy();
          const sameDistance = checker.distance(a!.embedding, b!.embedding);
          if (samples.otherPerson) {
            const [c] = await checker.embeddings({ bytes: samples.otherPerson });
            expect(c).toBeDefined();
            expect(sameDistance).toBeLessThan(checker.distance(a!.embedding, c!.embedding));
          } else {
            expect(Number.isFinite(sameDistance)).toBe(true);
          }
        },
        timeout,
      );
    }

    it(
      'reports quality figures in their ranges',
      async () => {
        const q = await checker.quality({ bytes: samples.oneFace });
        expect(q.sharpness).toBeGreaterThanOrEqual(0);
        expect(q.noise).toBeGreaterThanOrEqual(0);
        for (const value of [q.exposureMean, q.clippedShare, q.suitability]) {
          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThanOrEqual(1);
        }
      },
      timeout,
    );

    it(
      'rejects with the signal reason when the signal is already aborted',
      async () => {
        const controller = new AbortController();
        const reason = new Error('stop');
        controller.abort(reason);
        let caught: unknown;
        try {
          await checker.faces({ bytes: samples.oneFace }, { signal: controller.signal });
        } catch (error) {
          caught = error;
        }
        expect(caught).toBe(reason);
      },
      timeout,
    );

    it(
      'rejects bytes that are not an image with a ValidationError',
      async () => {
        let caught: unknown;
        try {
          await checker.faces({ bytes: new TextEncoder().encode('this is not an image') });
        } catch (error) {
          caught = error;
        }
        expect(ValidationError.isInstance(caught)).toBe(true);
      },
      timeout,
    );
  });
}
