import type { ConsentRecord } from '../consent/index.js';
import type { PrototypeImportPlan } from './prototype-plan.js';

/** Options for `studio.importPrototype`. */
export interface PrototypeImportOptions {
  /**
   * The model to import: picks one model of a `models/` folder, and names the workspace model when the tree is one
   * model's folder or bucket. @default every model of the tree, each under its prototype name
   */
  model?: string;
  /** Compute and return the mapping without writing anything. @default false */
  dryRun?: boolean;
  /**
   * The subject's documented consent, recorded on the model. The prototype kept none: without it the files are
   * imported but the model cannot be planned or run until a consent record is set (`workspace.setConsent`).
   */
  consent?: ConsentRecord;
  /**
   * Your statement that you hold the rights to the prototype's target photos (and, for ratings other than `sfw`, that
   * everyone shown is an adult who consented), recorded as each imported target's provenance. Without it, targets are
   * imported but planning asks for their provenance (`workspace.recordTargets`).
   */
  targetRights?: { rightsStatement: string; adultsConsented?: boolean };
  signal?: AbortSignal;
  /** Called after each file is written (or found already imported). */
  onProgress?: (progress: { model: string; done: number; total: number; path: string }) => void;
}

/** What importing one prototype model did (or, with `dryRun`, would do). */
export interface PrototypeImportResult {
  /** The mapping: files (prototype path → storage key), stages to journal, and every issue found. */
  plan: PrototypeImportPlan;
  dryRun: boolean;
  /** Whether the workspace model was created by this import. */
  created: boolean;
  /** Files written, and files already in the workspace with the same content (an earlier import). */
  files: { written: number; unchanged: number; conflicts: number };
  /** Stages newly journaled as done, and imported charges newly recorded in the ledger. */
  stagesJournaled: number;
  chargesRecorded: number;
  /** Whether the model has a consent record now (`missing`: nothing can be planned or run until one is set). */
  consent: 'recorded' | 'missing';
  /** Imported targets that still have no provenance record (planning refuses them until recorded). */
  targetsWithoutProvenance: number;
  /** Captions are written beside their images and entered in the model's caption records as imported. */
  captions: 'records';
}
