/**
 * A mistake in how the command was called (a missing flag, a bad path, a missing setting). Exits with code 2.
 * Core's own `ValidationError` maps to the same exit code; this one exists so the CLI can report usage problems
 * without loading core.
 */
export class UsageError extends Error {
  /** Stable code read by `exitCodeForError`. */
  readonly code = 'usage';

  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
