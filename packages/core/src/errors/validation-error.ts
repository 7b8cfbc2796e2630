import { ModelStudioError, type ModelStudioErrorOptions } from './model-studio-error.js';

/** Options for {@link ValidationError}. */
export interface ValidationErrorOptions extends ModelStudioErrorOptions {
  /** The input field or value name that was refused. */
  field?: string;
  /** The value that was refused (never a secret). */
  value?: unknown;
}

/** Bad input: a model name, key, setting or file that breaks a rule. The message names the rule. */
export class ValidationError extends ModelStudioError {
  readonly field: string | undefined;
  readonly value: unknown;
  constructor(message: string, options: ValidationErrorOptions = {}) {
    super('validation', message, options);
    this.name = 'ValidationError';
    this.field = options.field;
    this.value = options.value;
  }
  static override isInstance(error: unknown): error is ValidationError {
    return ModelStudioError.hasCode(error, 'validation');
  }
}
