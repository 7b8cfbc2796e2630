/**
 * Why a file was refused or flagged:
 * - `empty`: zero bytes.
 * - `unsupported-format`: not JPEG, PNG or WebP (text, HTML, SVG, GIF, TIFF, unknown bytes).
 * - `format-mismatch`: the content's format differs from the file name or declared type (a PNG named .jpg).
 *   A warning: the file is still used by its real format.
 * - `multi-frame`: more than one page or frame (animation).
 * - `too-many-pixels`: width x height above the pixel limit (decompression-bomb guard), checked before decoding.
 * - `too-small`: shortest side below the minimum.
 * - `too-large-bytes`: file size above the maximum (and re-encoding was off or could not fit it).
 * - `corrupt`: the header or the pixel data cannot be decoded (truncated, damaged).
 */
export type FileIssueCode =
  | 'empty'
  | 'unsupported-format'
  | 'format-mismatch'
  | 'multi-frame'
  | 'too-many-pixels'
  | 'too-small'
  | 'too-large-bytes'
  | 'corrupt';

/** One finding of {@link checkFile}. */
export interface FileIssue {
  code: FileIssueCode;
  /** `error` refuses the file; `warning` is reported but the file may be used. */
  severity: 'error' | 'warning';
  /** A sentence a person understands, saying what to do. */
  message: string;
}
