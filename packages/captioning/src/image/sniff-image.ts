import { ValidationError } from '@model-studio/core';

/** An image's format and size, read from its header only. */
export interface SniffedImage {
  contentType: 'image/jpeg' | 'image/png' | 'image/webp';
  /** Pixels, when the header says (JPEG SOF, PNG IHDR); 0 when not found. */
  width: number;
  height: number;
}

function jpegSize(bytes: Uint8Array): { width: number; height: number } {
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) {
      i++;
      continue;
    }
    const marker = bytes[i + 1]!;
    const length = (bytes[i + 2]! << 8) | bytes[i + 3]!;
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) return { height: (bytes[i + 5]! << 8) | bytes[i + 6]!, width: (bytes[i + 7]! << 8) | bytes[i + 8]! };
    i += 2 + length;
  }
  return { width: 0, height: 0 };
}

function readUint32(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
}

/**
 * Checks that `bytes` start like a JPEG, PNG or WebP image and reads its size from the header (no decoding). Captioners
 * call it before sending anything, so a broken file is refused for free instead of paid for.
 *
 * @throws ValidationError when the bytes are empty or not a JPEG, PNG or WebP image.
 */
export function sniffImage(bytes: Uint8Array, field = 'image'): SniffedImage {
  if (!(bytes instanceof Uint8Array) || bytes.length < 12) {
    throw new ValidationError(
      `The ${field} is empty or too short to be an image: pass the bytes of a JPEG, PNG or WebP file.`,
      { field },
    );
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff)
    return { contentType: 'image/jpeg', ...jpegSize(bytes) };
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
    return bytes.length >= 24
      ? { contentType: 'image/png', width: readUint32(bytes, 16), height: readUint32(bytes, 20) }
      : { contentType: 'image/png', width: 0, height: 0 };
  }
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return { contentType: 'image/webp', width: 0, height: 0 };
  throw new ValidationError(`The ${field} is not a JPEG, PNG or WebP image: captioners accept only those formats.`, {
    field,
  });
}

/** The image as a `data:` URL, for chat messages. */
export function imageDataUrl(bytes: Uint8Array, contentType: string): string {
  return `data:${contentType};base64,${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}`;
}
