/**
 * How the `malformed-json` fault breaks an answer's body:
 * - `truncated`: cut in half (for a submission, inside the job id: no complete id is left).
 * - `truncated-after-id`: cut right after the job id's closing quote, e.g. `{"jobId":"abc"` (no closing brace).
 * - `garbled-before-id`: bytes before the job id replaced with garbage (invalid UTF-8 and control bytes), the id intact.
 * An answer without a `"jobId"` (a poll) is cut in half, or, for `garbled-before-id`, has its first half garbled.
 */
export type Malformation = 'truncated' | 'truncated-after-id' | 'garbled-before-id';

const garbage = Buffer.from([0xff, 0xfe, 0x00, 0x1b, 0x7b, 0x3a, 0xc3, 0x28, 0x22, 0x5c, 0x2c]);

/** The bytes of `text` (a JSON answer) broken as `malformation` says. */
export function malformedBody(text: string, malformation: Malformation = 'truncated'): Buffer {
  const half = Math.max(1, Math.floor(text.length / 2));
  const key = text.indexOf('"jobId"');
  if (malformation === 'truncated' || key < 0) {
    if (malformation !== 'garbled-before-id') return Buffer.from(text.slice(0, half));
    return Buffer.concat([garbage, Buffer.from(text.slice(half))]);
  }
  if (malformation === 'garbled-before-id') return Buffer.concat([garbage, Buffer.from(text.slice(key))]);
  const value = /^"jobId"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+)/.exec(text.slice(key));
  return Buffer.from(text.slice(0, key + (value?.[0].length ?? 0)));
}
