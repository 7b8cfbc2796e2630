import { ModelStudioError, type ModelStudioErrorOptions } from './model-studio-error.js';

/** Options for {@link ConsentError}. */
export interface ConsentErrorOptions extends ModelStudioErrorOptions {
  /** The model whose consent record does not cover the work. */
  model: string;
  /** What is missing, one short phrase each (e.g. `rating "nsfw" not allowed`). */
  missing: string[];
}

/** The model's consent record is missing, revoked, or does not cover the requested rating or use. */
export class ConsentError extends ModelStudioError {
  readonly model: string;
  readonly missing: string[];
  constructor(message: string, options: ConsentErrorOptions) {
    super('consent', message, options);
    this.name = 'ConsentError';
    this.model = options.model;
    this.missing = options.missing;
  }
  static override isInstance(error: unknown): error is ConsentError {
    return ModelStudioError.hasCode(error, 'consent');
  }
}
