import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Labels of test/fixtures/faces (see its README). */
export interface FaceLabel {
  faces: number;
  faces_max?: number;
  count_uncertain: boolean;
  category: string;
  identity?: string;
}

const dir = (name: string) => fileURLToPath(new URL(`./fixtures/${name}/`, import.meta.url));

/** Bytes of a file in test/fixtures/faces. */
export const face = (name: string): Uint8Array => new Uint8Array(readFileSync(dir('faces') + name));

/** Bytes of a file in test/fixtures/bad-images. */
export const badImage = (name: string): Uint8Array => new Uint8Array(readFileSync(dir('bad-images') + name));

/** Directory of the bad images. */
export const badImagesDir = dir('bad-images');

/** Labels of the face fixtures. */
export const faceLabels = JSON.parse(readFileSync(`${dir('faces')}labels.json`, 'utf8')) as Record<string, FaceLabel>;

export const grace = 'deb-facedetect__grace_hopper.jpg';
export const astronaut = 'deb-skimage__astronaut.png';
export const coffee = 'deb-skimage__coffee.png';
