/**
 * `@model-studio/core/testing`: contract test suites for adapter authors. Each takes `{ describe, it, expect, ... }`
 * from your test runner, so they run under vitest, jest or node:test alike.
 *
 * @packageDocumentation
 */

export * from './face-checker-contract-tests.js';
export * from './provider-contract-tests.js';
export * from './storage-contract-tests.js';
