/**
 * Whether a PNG is an animated PNG (APNG): an `acTL` chunk before the first `IDAT`. libvips reads only the first frame
 * of an APNG and reports one page, so the chunks are read here. Only chunk headers are walked; nothing is decoded.
 */
export function isAnimatedPng(bytes: Uint8Array): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 8; // after the PNG signature
  while (offset + 8 <= bytes.length) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    if (type === 'acTL') return true;
    if (type === 'IDAT' || type === 'IEND') return false;
    offset += 12 + length;
  }
  return false;
}
