import { maxImageBytes } from '../image-limits.js';

/** Why a download failed: too large (answers 400), or unreachable/unreadable. */
export type DownloadResult = { ok: true; bytes: Uint8Array } | { ok: false; tooLarge: boolean; message: string };

/** Downloads an image URL as the real API would, with a timeout and the 5 MB limit (or `limit`, for a video). */
export async function downloadImage(url: string, timeoutMs: number, limit = maxImageBytes): Promise<DownloadResult> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      return { ok: false, tooLarge: false, message: `download answered ${response.status}` };
    }
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > limit) {
      await response.body.cancel();
      return { ok: false, tooLarge: true, message: 'too large' };
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = response.body.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      chunks.push(read.value);
      size += read.value.byteLength;
      if (size > limit) {
        await reader.cancel();
        return { ok: false, tooLarge: true, message: 'too large' };
      }
    }
    return { ok: true, bytes: Buffer.concat(chunks) };
  } catch (error) {
    return { ok: false, tooLarge: false, message: error instanceof Error ? error.message : String(error) };
  }
}
