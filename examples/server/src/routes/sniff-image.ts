const signatures: { offset: number; bytes: number[] }[] = [
  { offset: 0, bytes: [0xff, 0xd8, 0xff] }, // JPEG
  { offset: 0, bytes: [0x89, 0x50, 0x4e, 0x47] }, // PNG
  { offset: 0, bytes: [0x47, 0x49, 0x46, 0x38] }, // GIF
  { offset: 8, bytes: [0x57, 0x45, 0x42, 0x50] }, // WebP (RIFF....WEBP)
  { offset: 0, bytes: [0x49, 0x49, 0x2a, 0x00] }, // TIFF, little-endian
  { offset: 0, bytes: [0x4d, 0x4d, 0x00, 0x2a] }, // TIFF, big-endian
  { offset: 0, bytes: [0x42, 0x4d] }, // BMP
  { offset: 4, bytes: [0x66, 0x74, 0x79, 0x70] }, // ISO media (HEIC, AVIF): ....ftyp
  { offset: 0, bytes: [0x00, 0x00, 0x01, 0x00] }, // ICO
  { offset: 0, bytes: [0xff, 0x0a] }, // JPEG XL codestream
  { offset: 0, bytes: [0x00, 0x00, 0x00, 0x0c] }, // JPEG XL / JPEG 2000 container
  { offset: 0, bytes: [0x38, 0x42, 0x50, 0x53] }, // PSD
];

/**
 * Whether the first bytes of a file could start an image (of any format: the import decides which it accepts), or
 * markup that could be SVG. `false` means no image at all (text, a document, random bytes): the upload refuses it
 * without reading the rest. An empty head is left to the import (it says the file is unreadable).
 */
export function mayBeImage(head: Uint8Array): boolean {
  if (head.byteLength === 0) return true;
  if (signatures.some(({ offset, bytes }) => bytes.every((byte, n) => head[offset + n] === byte))) return true;
  // Markup (SVG, XML, HTML), after an optional UTF-8 byte-order mark and white space.
  let n = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (n < head.byteLength && [0x20, 0x09, 0x0a, 0x0d].includes(head[n] as number)) n++;
  return head[n] === 0x3c;
}
