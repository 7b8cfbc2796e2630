import type { FaceChecker, FaceDetector, ImageProcessor } from '@model-studio/core';

/** The quality package's checker and processor, loaded on first use. */
export interface LazyQuality {
  /** Face checker and detector: `@model-studio/quality`'s `createQualityChecker()`, created on the first call. */
  checker: FaceChecker & FaceDetector;
  /** Image processor: `createImageProcessor()`, created on the first call. */
  processor: ImageProcessor;
  /** Whether the package was loaded (commands that never check an image never load sharp or tfjs). */
  readonly loaded: boolean;
  /** Stops worker threads, when the package was loaded. */
  close(): Promise<void>;
}

interface Loaded {
  checker: FaceChecker & FaceDetector;
  processor: ImageProcessor;
}

/**
 * Wraps the quality package so that sharp and tfjs load only when an image is checked: `studio status`,
 * `estimate` and `--help` stay fast.
 */
export function lazyQuality(): LazyQuality {
  let loading: Promise<Loaded> | undefined;
  let loaded: Loaded | undefined;
  const load = (): Promise<Loaded> => {
    loading ??= import('@model-studio/quality').then((quality) => {
      loaded = { checker: quality.createQualityChecker(), processor: quality.createImageProcessor() };
      return loaded;
    });
    return loading;
  };
  const checker: FaceChecker & FaceDetector = {
    specificationVersion: 'v1',
    provider: 'quality',
    faces: async (image, options) => (await load()).checker.faces(image, options),
    detectFaces: async (image, options) => (await load()).checker.detectFaces(image, options),
    embeddings: async (image, options) => (await load()).checker.embeddings(image, options),
    quality: async (image, options) => (await load()).checker.quality(image, options),
    distance(a, b) {
      if (!loaded) throw new Error('The quality checker is not loaded yet: compute embeddings before comparing them.');
      return loaded.checker.distance(a, b);
    },
  };
  const processor: ImageProcessor = {
    specificationVersion: 'v1',
    provider: 'quality',
    normalize: async (bytes, options) => (await load()).processor.normalize(bytes, options),
    resize: async (bytes, size, options) => (await load()).processor.resize(bytes, size, options),
    writeMetadata: async (bytes, metadata, options) => (await load()).processor.writeMetadata(bytes, metadata, options),
    perceptualHash: async (bytes, options) => (await load()).processor.perceptualHash!(bytes, options),
  };
  return {
    checker,
    processor,
    get loaded() {
      return loaded !== undefined;
    },
    async close() {
      if (!loading) return;
      const parts = await loading.catch(() => undefined);
      for (const part of [parts?.checker, parts?.processor] as ({ close?: () => Promise<void> | void } | undefined)[]) {
        await part?.close?.();
      }
    },
  };
}
