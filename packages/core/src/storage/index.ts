/**
 * Storage: the embedded {@link LocalStorage} and the key rules every storage shares.
 *
 * @packageDocumentation
 */

export { listStorageKeys } from './list-storage-keys.js';
export { LocalStorage } from './local-storage.js';
export type { LocalStorageOptions, LocalStorageSignedUrlOptions } from './local-storage-options.js';
export { assertStorageKey } from './storage-key.js';
