const marker = Symbol.for('model-studio.error');

/**
 * A next step, as data: front-ends turn it into their own words (the CLI into a `studio …` command, a web UI into a
 * button). Core's messages never name a front-end's commands.
 */
export interface ErrorHint {
  /**
   * What to do, a stable key: `create-model`, `delete-model`, `import-sources`, `import-targets`, `set-consent`,
   * `revoke-consent` (again, to delete data once a run stopped), `status` (look while another process runs the model),
   * `run` (run the model: there are no results yet).
   */
  action:
    | 'create-model'
    | 'delete-model'
    | 'import-sources'
    | 'import-targets'
    | 'set-consent'
    | 'revoke-consent'
    | 'status'
    | 'run';
  /** The model it concerns. */
  model: string;
  /** The rating it concerns, where one does. */
  rating?: string;
}

/** Options shared by every {@link ModelStudioError}. */
export interface ModelStudioErrorOptions {
  /** The error that caused this one. */
  cause?: unknown;
  /** The next step, for front-ends to phrase (see {@link ErrorHint}). */
  hint?: ErrorHint;
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
  /** The next step as data, when there is one (see {@link ErrorHint}). */
  readonly hint: ErrorHint | undefined;

  constructor(code: string, message: string, options: ModelStudioErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ModelStudioError';
    this.code = code;
    this.hint = options.hint;
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
