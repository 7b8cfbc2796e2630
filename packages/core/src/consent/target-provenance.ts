import { z } from 'zod';
import { ConsentError, ValidationError } from '../errors/index.js';
import { assertImageNumber, assertModelName, assertRating, SAFE_RATING } from '../naming/index.js';

/** Where one imported target photo came from, as the user states it when importing. */
export interface TargetProvenanceEntry {
  /** The target number (`<model>-t<nnn>.jpg`). */
  n: number;
  /** The path or URL it came from. Credentials in URLs (user:password, signature/token query values) are redacted. */
  origin: string;
  /** The user's statement that they hold the rights to use it, e.g. `own photo` or `licensed from X, licence 123`. */
  rightsStatement: string;
  /** The user's statement that everyone shown is an adult who consented. Required (`true`) for any rating but `sfw`. */
  adultsConsented?: boolean;
}

/** A stored provenance record: the input plus when it was recorded. */
export interface TargetProvenanceRecord extends TargetProvenanceEntry {
  /** When it was recorded (ISO 8601). */
  recordedAt: string;
}

/** Zod schema of a stored {@link TargetProvenanceRecord}. */
export const targetProvenanceRecordSchema = z.object({
  n: z.number().int().min(1),
  origin: z.string().min(1).max(4000),
  rightsStatement: z.string().trim().min(1).max(2000),
  adultsConsented: z.boolean().optional(),
  recordedAt: z.iso.datetime({ offset: true }),
});

const secretParam = /sig|token|key|secret|credential|password|auth/i;

/**
 * Removes credentials from an origin before it is written: the user-info part of a URL and the values of query
 * parameters that look like signatures, tokens or keys (e.g. `X-Amz-Signature`). Paths are returned unchanged.
 */
export function redactOrigin(origin: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(origin)) return origin;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return origin;
  }
  url.username = '';
  url.password = '';
  for (const name of [...url.searchParams.keys()]) {
    if (secretParam.test(name)) url.searchParams.set(name, 'REDACTED');
  }
  return url.toString();
}

/**
 * Checks provenance entries for targets of `rating` and returns the records to store (origins redacted,
 * `recordedAt` = `now`). Throws a `ValidationError` for a bad number, empty origin or empty rights statement, and a
 * `ConsentError` when a target rated other than `sfw` lacks `adultsConsented: true`.
 */
export function checkTargetProvenance(
  model: string,
  rating: string,
  entries: readonly TargetProvenanceEntry[],
  now: Date,
): TargetProvenanceRecord[] {
  assertModelName(model);
  assertRating(rating);
  const records = entries.map((entry): TargetProvenanceRecord => {
    assertImageNumber(entry.n, 'target');
    for (const field of ['origin', 'rightsStatement'] as const) {
      if (typeof entry[field] !== 'string' || entry[field].trim() === '') {
        throw new ValidationError(
          `Target ${entry.n}: ${field} is empty. Every imported target needs where it came from (origin) and your ` +
            'statement that you hold the rights to use it (rightsStatement); for example ' +
            '{ n: 1, origin: "/photos/beach.jpg", rightsStatement: "my own photo" }.',
          { field, value: entry[field] },
        );
      }
    }
    const record: TargetProvenanceRecord = {
      n: entry.n,
      origin: redactOrigin(entry.origin),
      rightsStatement: entry.rightsStatement.trim(),
      recordedAt: now.toISOString(),
    };
    if (entry.adultsConsented !== undefined) record.adultsConsented = entry.adultsConsented;
    return record;
  });
  if (rating !== SAFE_RATING) {
    const lacking = records.filter((record) => record.adultsConsented !== true).map((record) => record.n);
    if (lacking.length > 0) {
      throw new ConsentError(
        `Targets rated "${rating}" need your statement that everyone shown is an adult who consented; it is missing ` +
          `for target${lacking.length > 1 ? 's' : ''} ${lacking.join(', ')}. Pass adultsConsented: true for each ` +
          'such target only if that is true, or leave those photos out. Nothing was recorded.',
        { model, missing: lacking.map((n) => `target ${n}: adults-consented statement for rating "${rating}"`) },
      );
    }
  }
  return records;
}
