/** Image formats recognised by their first bytes. */
export type SniffedFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'svg' | 'heif' | 'avif' | 'bmp' | 'unknown';

/** The format of `bytes` from its magic number (never trusts the file name). */
export function sniffFormat(bytes: Uint8Array): SniffedFormat {
  const b = bytes;
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'png';
  const ascii = (start: number, end: number) => String.fromCharCode(...b.subarray(start, end));
  if (b.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  if (b.length >= 6 && (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a')) return 'gif';
  if (
    b.length >= 4 &&
    ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a) || (b[0] === 0x4d && b[1] === 0x4d && b[3] === 0x2a))
  )
    return 'tiff';
  if (b.length >= 2 && b[0] === 0x42 && b[1] === 0x4d) return 'bmp';
  if (b.length >= 12 && ascii(4, 8) === 'ftyp') return /avi[fs]/.test(ascii(8, 12)) ? 'avif' : 'heif';
  const head = ascii(0, Math.min(b.length, 512)).trimStart().toLowerCase();
  if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'))) return 'svg';
  return 'unknown';
}

/** The format a file name or content type claims, when recognisable. */
export function claimedFormat(fileName?: string, contentType?: string): SniffedFormat | undefined {
  const type = contentType?.toLowerCase().split(';')[0]?.trim();
  if (type) {
    const fromType: Record<string, SniffedFormat> = {
      'image/jpeg': 'jpeg',
      'image/jpg': 'jpeg',
      'image/png': 'png',
      'image/webp': 'webp',
      'image/gif': 'gif',
      'image/tiff': 'tiff',
      'image/svg+xml': 'svg',
    };
    if (fromType[type]) return fromType[type];
  }
  const ext = fileName?.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
  const fromExt: Record<string, SniffedFormat> = {
    jpg: 'jpeg',
    jpeg: 'jpeg',
    jfif: 'jpeg',
    png: 'png',
    webp: 'webp',
    gif: 'gif',
    tif: 'tiff',
    tiff: 'tiff',
    svg: 'svg',
  };
  return ext ? fromExt[ext] : undefined;
}
