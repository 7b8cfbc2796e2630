import { readFile } from 'node:fs/promises';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import type * as Tfjs from '@tensorflow/tfjs';
import type { Tf } from './load-tfjs.js';

const require = createRequire(import.meta.url);

/** A point `[x, y]` in pixels. */
export type Point = [number, number];

/** The parts of @vladmandic/face-api this package uses (structural, to keep its bundled tfjs types out of ours). */
export interface FaceApi {
  tf: { engine(): unknown };
  nets: {
    tinyFaceDetector: {
      loadFromDisk(dir: string): Promise<void>;
      locateFaces(
        input: Tfjs.Tensor3D,
        options: unknown,
      ): Promise<Array<{ score: number; box: { x: number; y: number; width: number; height: number } }>>;
    };
    faceLandmark68Net: {
      loadFromDisk(dir: string): Promise<void>;
      detectLandmarks(input: Tfjs.Tensor3D): Promise<unknown>;
    };
    faceRecognitionNet: {
      loadFromDisk(dir: string): Promise<void>;
      computeFaceDescriptor(input: Tfjs.Tensor3D): Promise<Float32Array | Float32Array[]>;
    };
  };
  TinyFaceDetectorOptions: new (options: { inputSize: number; scoreThreshold: number }) => unknown;
  Rect: new (x: number, y: number, width: number, height: number) => unknown;
  extractFaceTensors(image: Tfjs.Tensor3D, boxes: unknown[]): Promise<Tfjs.Tensor3D[]>;
}

/** Landmarks as returned by face-api (only what is used). */
export interface FaceApiLandmarks {
  shiftBy(x: number, y: number): FaceApiLandmarks;
  align(): { x: number; y: number; width: number; height: number };
  positions: Array<{ x: number; y: number }>;
}

/** Directory of face-api's bundled weights. */
export function faceApiModelDir(): string {
  return path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
}

/** Directory of human's bundled weights (blazeface). */
export function humanModelDir(): string {
  // human's exports map hides package.json; its `require` entry is dist/human.node.js.
  return path.join(path.dirname(require.resolve('@vladmandic/human')), '..', 'models');
}

/**
 * Loads face-api's wasm build (its default Node entry needs tfjs-node). The build `require`s @tensorflow/tfjs and
 * @tensorflow/tfjs-backend-wasm from its own folder; when a strict layout hides them there, it is compiled with this
 * package's module paths so it shares our tfjs instance.
 */
export function loadFaceApi(): FaceApi {
  const file = require.resolve('@vladmandic/face-api/dist/face-api.node-wasm.js');
  try {
    return require(file) as FaceApi;
  } catch (error) {
    if ((error as { code?: string }).code !== 'MODULE_NOT_FOUND') throw error;
  }
  const internal = Module as unknown as {
    new (
      id: string,
    ): { filename: string; paths: string[]; exports: unknown; _compile(code: string, file: string): void };
    _nodeModulePaths(dir: string): string[];
  };
  const { readFileSync } = require('node:fs') as typeof import('node:fs');
  const mod = new internal(file);
  mod.filename = file;
  mod.paths = internal._nodeModulePaths(path.dirname(require.resolve('@tensorflow/tfjs')));
  mod._compile(readFileSync(file, 'utf8'), file);
  return mod.exports as FaceApi;
}

/** Loads face-api's tiny detector, 68-point landmark and 128-d recognition nets from the package's model folder. */
export async function loadFaceApiNets(faceapi: FaceApi): Promise<void> {
  const dir = faceApiModelDir();
  await faceapi.nets.tinyFaceDetector.loadFromDisk(dir);
  await faceapi.nets.faceLandmark68Net.loadFromDisk(dir);
  await faceapi.nets.faceRecognitionNet.loadFromDisk(dir);
}

interface GraphModelJson {
  modelTopology: unknown;
  weightsManifest: Array<{ paths: string[]; weights: Tfjs.io.WeightsManifestEntry[] }>;
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
  userDefinedMetadata?: Record<string, unknown>;
}

/** Loads a tfjs graph model from local files through an IOHandler (human only loads over http otherwise). */
export async function loadGraphModelFromDir(tf: Tf, dir: string, name: string): Promise<Tfjs.GraphModel> {
  const handler: Tfjs.io.IOHandler = {
    load: async () => {
      const json = JSON.parse(await readFile(path.join(dir, `${name}.json`), 'utf8')) as GraphModelJson;
      const parts: Buffer[] = [];
      for (const group of json.weightsManifest) {
        for (const part of group.paths) parts.push(await readFile(path.join(dir, part)));
      }
      const all = Buffer.concat(parts);
      const artifacts: Tfjs.io.ModelArtifacts = {
        modelTopology: json.modelTopology as Tfjs.io.ModelArtifacts['modelTopology'],
        weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
        weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer,
      };
      if (json.format !== undefined) artifacts.format = json.format;
      if (json.generatedBy !== undefined) artifacts.generatedBy = json.generatedBy;
      if (json.convertedBy !== undefined) artifacts.convertedBy = json.convertedBy;
      if (json.userDefinedMetadata !== undefined) artifacts.userDefinedMetadata = json.userDefinedMetadata as {};
      return artifacts;
    },
  };
  return tf.loadGraphModel(handler);
}
