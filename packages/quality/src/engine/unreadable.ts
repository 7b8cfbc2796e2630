/** Thrown inside the engine when an image cannot be decoded; becomes a `ValidationError` at the public API. */
export class UnreadableImageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnreadableImageError';
  }
}

/** Whether an error means the image itself could not be decoded (vs. a bug or a missing model). */
export function isUnreadableImageError(error: unknown): boolean {
  return error instanceof Error && error.name === 'UnreadableImageError';
}

/** Thrown inside the engine when the requested tfjs backend cannot start; becomes a `ValidationError` (`backend`). */
export class BackendUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackendUnavailableError';
  }
}
