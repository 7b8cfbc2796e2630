import { type TargetProvenanceRecord, targetProvenanceRecordSchema } from '../consent/target-provenance.js';
import { isRating } from '../naming/index.js';

/** The fields of a stored target provenance record (see targetProvenanceRecordSchema). */
const recordFields = new Set(['n', 'origin', 'rightsStatement', 'adultsConsented', 'recordedAt']);

/**
 * @internal A config's `targets` as read from its file, when every record is already what the schema would return
 * (checked in place, nothing copied); otherwise undefined, and the schema parses them (and reports what is wrong).
 * A model's config is read before every run and holds a record per target: parsed by zod, 100,000 records are copied
 * into about 160 MB of short-lived objects, which V8 lets the heap grow by before it collects them.
 */
export function targetsAsRead(value: unknown): Record<string, TargetProvenanceRecord[]> | undefined {
  if (!isPlainObject(value)) return undefined;
  // Most records of a model share a few `recordedAt` times (one per import): each is checked once.
  const times = new Set<string>();
  for (const rating of Object.keys(value)) {
    const records = value[rating];
    if (!isRating(rating) || !Array.isArray(records)) return undefined;
    for (const record of records) if (!isRecordAsStored(record, times)) return undefined;
  }
  return value as Record<string, TargetProvenanceRecord[]>;
}

function isRecordAsStored(record: unknown, times: Set<string>): boolean {
  if (!isPlainObject(record)) return false;
  for (const field in record) if (!recordFields.has(field)) return false;
  const { n, origin, rightsStatement, adultsConsented, recordedAt } = record;
  if (!Number.isSafeInteger(n) || (n as number) < 1) return false;
  if (typeof origin !== 'string' || origin.length < 1 || origin.length > 4000) return false;
  if (typeof rightsStatement !== 'string' || rightsStatement.length < 1 || rightsStatement.length > 2000) return false;
  // The schema trims the statement: one that is not trimmed yet goes through it.
  if (rightsStatement.trim() !== rightsStatement) return false;
  if (adultsConsented !== undefined && typeof adultsConsented !== 'boolean') return false;
  if (typeof recordedAt !== 'string') return false;
  if (times.has(recordedAt)) return true;
  if (!targetProvenanceRecordSchema.shape.recordedAt.safeParse(recordedAt).success) return false;
  times.add(recordedAt);
  return true;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
