/** Width and height in pixels, as stored (before any EXIF rotation). */
export interface ImageDimensions {
  width: number;
  height: number;
}

/**
 * Reads an image's dimensions from its header, without decoding it: JPEG (any SOF marker), PNG (IHDR), GIF and WebP
 * (VP8, VP8L, VP8X). Returns `undefined` for other formats or a header it cannot read, so the caller can fall back to
 * a full decode.
 */
export function imageDimensions(bytes: Uint8Array): ImageDimensions | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const has = (offset: number, ...values: number[]) =>
    offset + values.length <= bytes.length && values.every((value, i) => bytes[offset + i] === value);
  if (has(0, 0xff, 0xd8)) return jpegDimensions(bytes, view);
  if (has(0, 0x89, 0x50, 0x4e, 0x47) && bytes.length >= 24) return positive(view.getUint32(16), view.getUint32(20));
  if (has(0, 0x47, 0x49, 0x46, 0x38) && bytes.length >= 10)
    return positive(view.getUint16(6, true), view.getUint16(8, true));
  if (has(0, 0x52, 0x49, 0x46, 0x46) && has(8, 0x57, 0x45, 0x42, 0x50) && bytes.length >= 30) {
    const chunk = String.fromCharCode(...bytes.subarray(12, 16));
    if (chunk === 'VP8 ') return positive(view.getUint16(26, true) & 0x3fff, view.getUint16(28, true) & 0x3fff);
    if (chunk === 'VP8L' && bytes[20] === 0x2f) {
      const bits = view.getUint32(21, true);
      return positive((bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1);
    }
    if (chunk === 'VP8X') {
      const width = 1 + (bytes[24]! | (bytes[25]! << 8) | (bytes[26]! << 16));
      const height = 1 + (bytes[27]! | (bytes[28]! << 8) | (bytes[29]! << 16));
      return positive(width, height);
    }
  }
  return undefined;
}

function jpegDimensions(bytes: Uint8Array, view: DataView): ImageDimensions | undefined {
  let offset = 2;
  while (offset + 9 < bytes.length) {
    if (bytes[offset] !== 0xff) return undefined;
    const marker = bytes[offset + 1]!;
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    // Markers without a length: TEM, RSTn, SOI.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      offset += 2;
      continue;
    }
    const length = view.getUint16(offset + 2);
    // Start of frame: every SOFn except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return positive(view.getUint16(offset + 7), view.getUint16(offset + 5));
    }
    if (marker === 0xda || marker === 0xd9 || length < 2) return undefined; // image data before any frame header
    offset += 2 + length;
  }
  return undefined;
}

function positive(width: number, height: number): ImageDimensions | undefined {
  return width > 0 && height > 0 ? { width, height } : undefined;
}
