import { ValidationError } from '@model-studio/core';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** Decoded pixels: RGBA, 8 bits per channel, row by row. */
export interface DecodedImage {
  width: number;
  height: number;
  /** `width * height * 4` bytes. */
  data: Uint8Array;
}

const isPng = (bytes: Uint8Array) => bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
const isJpeg = (bytes: Uint8Array) => bytes[0] === 0xff && bytes[1] === 0xd8;

/**
 * Decodes a PNG (pngjs) or JPEG (jpeg-js) sample or dataset image to RGBA pixels, in pure JavaScript (the trainer
 * package loads no native image library). Limited to 50 MP so a hostile file cannot exhaust memory.
 *
 * @throws ValidationError for another format or damaged bytes.
 */
export function decodeImage(bytes: Uint8Array, name = 'image'): DecodedImage {
  try {
    if (isPng(bytes)) {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { width: png.width, height: png.height, data: new Uint8Array(png.data) };
    }
    if (isJpeg(bytes)) {
      const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: 50 });
      return { width: image.width, height: image.height, data: image.data };
    }
  } catch (cause) {
    throw new ValidationError(
      `${name} could not be decoded (${(cause as Error).message}): re-export it as PNG or JPEG.`,
      {
        cause,
        field: name,
      },
    );
  }
  throw new ValidationError(`${name} is neither PNG nor JPEG: checkpoint samples must be PNG or JPEG images.`, {
    field: name,
  });
}
