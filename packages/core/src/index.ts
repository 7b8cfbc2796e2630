/**
 * `@model-studio/core`: naming rules, workspace and model registry, consent, adapter interfaces,
 * local storage, progress journal, cost ledger and the pipeline orchestrator.
 *
 * @packageDocumentation
 */
export * from './errors/index.js';
export * from './interfaces/index.js';
