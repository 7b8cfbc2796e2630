import { ModelStudioError, type ModelStudioErrorOptions } from './model-studio-error.js';

/** Options for {@link NotFoundError}. */
export interface NotFoundErrorOptions extends ModelStudioErrorOptions {
  /** What kind of thing is missing: `key`, `model`, `job`, ... */
  kind: string;
  /** Its name or key. */
  name: string;
}

/** A storage key, model or job does not exist. */
export class NotFoundError extends ModelStudioError {
  readonly kind: string;
  readonly resource: string;
  constructor(message: string, options: NotFoundErrorOptions) {
    super('not-found', message, options);
    this.name = 'NotFoundError';
    this.kind = options.kind;
    this.resource = options.name;
  }
  static override isInstance(error: unknown): error is NotFoundError {
    return ModelStudioError.hasCode(error, 'not-found');
  }
}
