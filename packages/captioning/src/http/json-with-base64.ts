import { randomUUID } from 'node:crypto';

/** A request body already serialised to JSON text; {@link postJson} sends its `text` as is. */
export class JsonText {
  constructor(readonly text: string) {}
}

/** The string to put in a body where {@link jsonWithBase64} splices the image's base64 in (random per process). */
export const base64Slot = `base64-slot-${randomUUID()}`;

/**
 * `JSON.stringify(body)` with the string `prefix + base64(bytes)` in place of the {@link base64Slot} string: the same
 * text, but the image's base64 (over 100 KB for a photo) is spliced in rather than scanned by `JSON.stringify` for
 * characters to escape (base64 has none), which costs it about half a millisecond of CPU per request.
 *
 * @throws Error when `body` holds no {@link base64Slot} (a programming error of the caller).
 */
export function jsonWithBase64(body: unknown, prefix: string, bytes: Uint8Array): JsonText {
  const text = JSON.stringify(body);
  const slot = `"${base64Slot}"`;
  const at = text.indexOf(slot);
  if (at < 0) throw new Error('jsonWithBase64: the body holds no base64Slot to splice the image into.');
  const base64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  // The prefix (e.g. `data:image/jpeg;base64,`) is escaped like any string: only its closing quote is dropped.
  const quotedPrefix = JSON.stringify(prefix).slice(0, -1);
  return new JsonText(`${text.slice(0, at)}${quotedPrefix}${base64}"${text.slice(at + slot.length)}`);
}
