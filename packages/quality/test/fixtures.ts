import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

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

/** A small image whose header claims 20000x20000 pixels: a decompression bomb that costs nothing to store. */
export async function bomb(format: 'jpeg' | 'png'): Promise<Uint8Array> {
  const bytes = new Uint8Array(
    await sharp({ create: { width: 16, height: 16, channels: 3, background: '#fff' } })
      [format]()
      .toBuffer(),
  );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (format === 'png') {
    view.setUint32(16, 20000);
    view.setUint32(20, 20000);
    view.setUint32(29, crc32(bytes.subarray(12, 29)) >>> 0);
  } else {
    for (let i = 2; i < bytes.length - 9; i++) {
      if (bytes[i] === 0xff && (bytes[i + 1] === 0xc0 || bytes[i + 1] === 0xc2)) {
        view.setUint16(i + 5, 20000);
        view.setUint16(i + 7, 20000);
        break;
      }
    }
  }
  return bytes;
}

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return crc ^ 0xffffffff;
}
