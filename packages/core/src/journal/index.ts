export type {
  CompletedEventInput,
  FailedEventInput,
  ImportedMark,
  JournalEvent,
  JournalEventInput,
  JournalEventMeta,
  JournalEventType,
  PassedEventInput,
  PlannedEventInput,
  ResubmitApprovedEventInput,
  SnapshotEvent,
  SubmittedEventInput,
  SubmittingEventInput,
  UncertainEventInput,
} from './journal-event.js';
export {
  INTERRUPTED_SUBMISSION_REASON,
  type OpState,
  type OpStatus,
  type UnitState,
  type UnitStatus,
} from './journal-state.js';
export { type AppendOptions, type CorruptLine, deferredWriteMs, type TailRepair } from './json-lines-file.js';
export {
  autoCompactMinLines,
  autoCompactRatio,
  type InFlightOp,
  type JournalOptions,
  openJournal,
  type ProgressJournal,
  type UncertainOp,
} from './progress-journal.js';
