export { BudgetExceededError, type BudgetExceededErrorOptions } from './budget-exceeded-error.js';
export { ConsentError, type ConsentErrorOptions } from './consent-error.js';
export { ModelBusyError } from './model-busy-error.js';
export { type ErrorHint, ModelStudioError, type ModelStudioErrorOptions } from './model-studio-error.js';
export { NotFoundError, type NotFoundErrorOptions } from './not-found-error.js';
export { ProviderError, type ProviderErrorOptions, type ProviderErrorReason } from './provider-error.js';
export { StorageError, type StorageErrorOptions } from './storage-error.js';
export { ValidationError, type ValidationErrorOptions } from './validation-error.js';
