import { z } from 'zod';

/** A consent record as sent and answered (core's `ConsentRecord`). */
export const consentSchema = z
  .object({
    subject: z.string().min(1).max(200).describe('The person the model depicts, as on the evidence.'),
    adultAttested: z.boolean().describe('Someone attested that the subject is an adult.'),
    attestedBy: z.string().min(1).max(200).describe('Who attested, and how.'),
    allowedRatings: z.array(z.string()).describe('Content ratings the subject agreed to, e.g. ["sfw"].'),
    allowedUses: z.array(z.enum(['swap', 'train', 'publish'])),
    obtainedAt: z.string().describe('ISO 8601 with offset, e.g. 2026-01-15T10:00:00Z.'),
    evidenceRef: z.string().min(1).max(2000).describe('Where the evidence is kept (not the document itself).'),
    revokedAt: z.string().optional(),
    revokedReason: z.string().optional(),
  })
  .meta({ id: 'Consent' });

/** A model in the caller's list. */
export const modelSummarySchema = z
  .object({ name: z.string(), createdAt: z.string().optional() })
  .meta({ id: 'ModelSummary' });

const costsSchema = z
  .array(
    z.object({
      unitOfAccount: z.string(),
      actual: z.number(),
      reserved: z.number(),
      uncertain: z.number(),
      estimate: z.number(),
    }),
  )
  .describe('Spend so far, per unit of account (credits, usd).');

const lastJobSchema = z
  .object({ id: z.string(), type: z.string(), state: z.string(), createdAt: z.string() })
  .optional()
  .describe("The model's newest job.");

/** What a dashboard card shows of a model (`GET /v1/models?include=summary`). */
export const modelCardSchema = z
  .object({
    sources: z.number().int(),
    targets: z.record(z.string(), z.number().int()).describe('Targets stored, per rating.'),
    results: z.record(z.string(), z.number().int()).describe('Enhanced results stored, per rating.'),
    consent: z.enum(['none', 'revoked', 'recorded']),
    allowedRatings: z.array(z.string()),
    costs: costsSchema,
    lastJob: lastJobSchema,
    thumbnail: z
      .object({
        url: z
          .string()
          .describe(
            "Signed GET URL (short-lived) of a small copy (at most 400 px) of the model's first source photo, or of " +
              'the photo itself when no copy can be made.',
          ),
        expiresAt: z.string(),
      })
      .optional()
      .describe('Absent when the model has no source photo.'),
  })
  .meta({ id: 'ModelCard' });

/** `GET /v1/models`: a page of the caller's models, in name order. */
export const modelListSchema = z
  .object({
    models: z.array(modelSummarySchema.extend({ summary: modelCardSchema.optional() })),
    nextCursor: z.string().optional().describe('Pass as `cursor` for the next page; absent on the last page.'),
    sandbox: z.boolean().describe('True when the server runs on sandboxes.'),
  })
  .meta({ id: 'ModelList' });

/** `GET /v1/models/:model`. */
export const modelOverviewSchema = z
  .object({
    name: z.string(),
    sources: z.number().int(),
    targets: z.record(z.string(), z.number().int()).describe('Targets stored, per rating.'),
    results: z.record(z.string(), z.number().int()).describe('Enhanced results stored, per rating.'),
    consent: z.enum(['none', 'revoked', 'recorded']),
    allowedRatings: z.array(z.string()),
    costs: costsSchema,
    lastJob: lastJobSchema,
    sandbox: z.boolean().describe('True when the server runs on sandboxes: results are SANDBOX results.'),
  })
  .meta({ id: 'ModelOverview' });
