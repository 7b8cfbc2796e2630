import { z } from 'zod';
import { isRating } from '../naming/index.js';

/** What a subject can agree to: face swaps, training a LoRA of their likeness, publishing the outputs. */
export type ConsentUse = 'swap' | 'train' | 'publish';

/** Every {@link ConsentUse}. */
export const consentUses: readonly ConsentUse[] = Object.freeze(['swap', 'train', 'publish']);

const isoDateTime = z.iso.datetime({ offset: true });
const ratingSchema = z.string().refine(isRating, { message: 'a rating is lower-case letters and digits, e.g. "sfw"' });

/**
 * Zod schema of a {@link ConsentRecord}. Exported so tools that read `config.json` themselves can validate it.
 */
export const consentRecordSchema = z.object({
  subject: z.string().trim().min(1).max(200),
  adultAttested: z.boolean(),
  attestedBy: z.string().trim().min(1).max(200),
  allowedRatings: z.array(ratingSchema),
  allowedUses: z.array(z.enum(['swap', 'train', 'publish'])),
  obtainedAt: isoDateTime,
  evidenceRef: z.string().trim().min(1).max(2000),
  revokedAt: isoDateTime.optional(),
  revokedReason: z.string().max(2000).optional(),
});

/**
 * The documented consent of the person a model depicts (DESIGN.md, "Responsible use"). The orchestrator refuses to
 * swap, train or publish unless this record covers the work: see `assertConsent`.
 *
 * @example
 * ```ts
 * const record: ConsentRecord = {
 *   subject: 'Andie Example',
 *   adultAttested: true,
 *   attestedBy: 'studio operator (ID checked in person)',
 *   allowedRatings: ['sfw'],
 *   allowedUses: ['swap', 'train'],
 *   obtainedAt: '2026-01-15T10:00:00Z',
 *   evidenceRef: 'contracts/andie-2026-01-15.pdf',
 * };
 * ```
 */
export interface ConsentRecord {
  /** Who the model depicts: the person's name as on the evidence. */
  subject: string;
  /** Whether someone attested that the subject is an adult. Without it nothing is processed. */
  adultAttested: boolean;
  /** Who made the adult attestation and how (e.g. `operator, ID checked`). */
  attestedBy: string;
  /** Content ratings the subject agreed to, e.g. `['sfw']` or `['sfw', 'nsfw']`. */
  allowedRatings: string[];
  /** What the subject agreed to. */
  allowedUses: ConsentUse[];
  /** When consent was given, ISO 8601 with offset (e.g. `2026-01-15T10:00:00Z`). */
  obtainedAt: string;
  /** Where the evidence is kept: a document id, a path, a URL. Not the document itself. */
  evidenceRef: string;
  /** When consent was revoked (ISO 8601). A revoked record covers nothing. */
  revokedAt?: string;
  /** Why, in the subject's or operator's words. */
  revokedReason?: string;
}

/** The record as the schema checks it: the two types must stay identical. */
type SchemaRecord = z.infer<typeof consentRecordSchema>;
const sameShape: [SchemaRecord, ConsentRecord] extends [ConsentRecord, SchemaRecord] ? true : never = true;
void sameShape;
