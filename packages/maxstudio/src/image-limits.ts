/** MaxStudio's per-image limit: 5 MB (5 × 1024 × 1024 bytes). Larger images answer 400 "Image size must be less than 5MB". */
export const maxImageBytes = 5 * 1024 * 1024;

/** Size in bytes of the data a base64 string encodes, without decoding it. */
export function base64DecodedLength(base64: string): number {
  const length = base64.length;
  if (length === 0) return 0;
  let padding = 0;
  if (base64.endsWith('==')) padding = 2;
  else if (base64.endsWith('=')) padding = 1;
  return Math.floor((length * 3) / 4) - padding;
}

/** Guesses an image's content type from its first bytes (JPEG, PNG, WebP, GIF); `application/octet-stream` otherwise. */
export function sniffImageType(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image/jpeg';
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'image/png';
  if (bytes[0] === 0x47 && bytes[1] === 0x49 && bytes[2] === 0x46) return 'image/gif';
  if (bytes[0] === 0x52 && bytes[1] === 0x49 && bytes[8] === 0x57 && bytes[9] === 0x45) return 'image/webp';
  return 'application/octet-stream';
}
