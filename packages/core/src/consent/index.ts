export {
  assertConsent,
  type ConsentHolder,
  type ConsentRequest,
  consentProblems,
} from './assert-consent.js';
export { type ConsentRecord, type ConsentUse, consentRecordSchema, consentUses } from './consent-record.js';
export {
  checkTargetProvenance,
  redactOrigin,
  type TargetProvenanceEntry,
  type TargetProvenanceRecord,
  targetProvenanceRecordSchema,
} from './target-provenance.js';
