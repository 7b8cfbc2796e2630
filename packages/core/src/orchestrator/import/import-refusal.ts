import { ValidationError } from '../../errors/index.js';
import type { ImportRefusal, ImportRefusalCode } from '../studio-types.js';

const categories: Partial<Record<ImportRefusalCode, ImportRefusal['category']>> = {
  duplicate: 'duplicate',
  'near-duplicate': 'duplicate',
  'no-face': 'face',
  'multiple-faces': 'face',
  'different-person': 'consent',
};

/** A refusal with its category (`file` unless the code says otherwise). */
export function importRefusal(code: ImportRefusalCode, message: string): ImportRefusal {
  return { code, message, category: categories[code] ?? 'file' };
}

/** The refusal codes of the `ValidationError` fields an image processor's `normalize` uses (see `ImageProcessor`). */
const codeByField: Record<string, ImportRefusalCode> = {
  format: 'unsupported-format',
  frames: 'animated',
  pixels: 'too-many-pixels',
  maxBytes: 'too-large',
};

/** The first line of a message, at most `max` characters: a decoder's cause, never a wall of text. */
export function shortCause(text: string, max = 160): string {
  const line = text.trim().split('\n')[0]?.trim() ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/**
 * Why `normalize` refused a file, as a refusal: the processor's `ValidationError` field gives the code (`format` with
 * value `unknown`: not an image at all); anything else means the file could not be read.
 */
export function normalizeRefusal(error: unknown): ImportRefusal {
  if (ValidationError.isInstance(error)) {
    const code =
      error.field === 'format' && error.value === 'unknown'
        ? 'not-an-image'
        : (codeByField[error.field ?? ''] ?? 'unreadable');
    return importRefusal(code, shortCause(error.message, 400));
  }
  const cause = error instanceof Error ? shortCause(error.message) : '';
  return importRefusal(
    'unreadable',
    `The file could not be read as an image${cause ? ` (${cause})` : ''}. Export or download it again.`,
  );
}
