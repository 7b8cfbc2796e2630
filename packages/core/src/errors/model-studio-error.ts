const marker = Symbol.for('model-studio.error');

/** Options shared by every {@link ModelStudioError}. */
export interface ModelStudioErrorOptions {
  /** The error that caused this one. */
  cause?: unknown;
}

/**
 * Base class of every error thrown by `@model-studio/*` packages.
 *
 * Each error has a stable machine-readable {@link ModelStudioError.code} and a message that says what to do next.
 * Use the static `isInstance` helpers rather than `instanceof`: they work across duplicate copies of the package.
 *
 * @example
 * ```ts
 * try { await studio.run(plan); } catch (error) {
 *   if (ModelStudioError.isInstance(error)) console.error(error.code, error.message);
 * }
 * ```
 */
export class ModelStudioError extends Error {
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: read through the shared Symbol.for key by isInstance
  private readonly [marker] = true;
  /** Stable machine-readable code, e.g. `validation`, `consent`, `budget-exceeded`. */
  readonly code: string;

  constructor(code: string, message: string, options: ModelStudioErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ModelStudioError';
    this.code = code;
  }

  /** True when `error` is a ModelStudioError from any copy of this package. */
  static isInstance(error: unknown): error is ModelStudioError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }

  /** Checks the marker and the error's `code`; used by subclasses' `isInstance`. */
  protected static hasCode(error: unknown, code: string): boolean {
    return ModelStudioError.isInstance(error) && error.code === code;
  }
}
