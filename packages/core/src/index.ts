/**
 * `@model-studio/core`: naming rules, workspace and model registry, consent, adapter interfaces,
 * local storage, progress journal, cost ledger and the pipeline orchestrator.
 *
 * @packageDocumentation
 */

export * from './captions/index.js';
export * from './consent/index.js';
export * from './errors/index.js';
export * from './interfaces/index.js';
// The journal and ledger are written by the orchestrator only (createStudio): their writers are not exported. Their
// record types are, for reading what `studio.status()` and `studio.costs()` return.
export type {
  CompletedEventInput,
  FailedEventInput,
  ImportedMark,
  JournalEvent,
  JournalEventInput,
  JournalEventMeta,
  JournalEventType,
  OpState,
  OpStatus,
  PassedEventInput,
  PlannedEventInput,
  ResubmitApprovedEventInput,
  SnapshotEvent,
  SubmittedEventInput,
  SubmittingEventInput,
  UncertainEventInput,
  UnitState,
  UnitStatus,
} from './journal/index.js';
export {
  type ChargeSource,
  formatLedgerSummary,
  type LedgerDimension,
  type LedgerEntry,
  type LedgerEntryInput,
  type LedgerEntryKind,
  type LedgerSummary,
  type LedgerSummaryOptions,
  type LedgerSummaryRow,
  type LedgerTotals,
  PRICE_TABLE_NOTE,
} from './ledger/index.js';
export * from './naming/index.js';
export * from './net/index.js';
export { type ImageDimensions, imageDimensions } from './orchestrator/image-dimensions.js';
export * from './orchestrator/index.js';
export * from './prototype/index.js';
export * from './storage/index.js';
export * from './workspace/index.js';
