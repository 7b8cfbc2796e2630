/**
 * `@model-studio/core`: naming rules, workspace and model registry, consent, adapter interfaces,
 * local storage, progress journal, cost ledger and the pipeline orchestrator.
 *
 * @packageDocumentation
 */

export * from './consent/index.js';
export * from './errors/index.js';
export * from './interfaces/index.js';
export * from './journal/index.js';
export * from './ledger/index.js';
export * from './naming/index.js';
export * from './orchestrator/index.js';
export * from './storage/index.js';
export * from './workspace/index.js';
