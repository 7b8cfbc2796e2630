import { z } from 'zod';

/** RFC 9457 problem details as this server answers them (`application/problem+json`). */
export const problemSchema = z
  .object({
    type: z.string().describe('A URI naming the kind of problem: `urn:model-studio:problem:<code>`.'),
    title: z.string().describe('A short summary of the kind of problem.'),
    status: z.number().int(),
    detail: z.string().describe('What went wrong and what to do next.'),
    instance: z.string().describe('The request path.'),
    code: z
      .string()
      .describe('The typed error name: `ValidationError`, `ConsentError`, `NotFoundError`, `ModelBusyError`, ...'),
    requestId: z.string(),
    hint: z
      .object({ action: z.string(), model: z.string(), rating: z.string().optional() })
      .optional()
      .describe('The next step as data, when the library gives one.'),
  })
  .meta({ id: 'Problem' });

/** A problem details body. */
export type Problem = z.infer<typeof problemSchema>;

/** The error responses every authenticated route may answer, for the OpenAPI document. */
export const problemResponses = {
  400: problemSchema,
  401: problemSchema,
  403: problemSchema,
  404: problemSchema,
  409: problemSchema,
  429: problemSchema,
  500: problemSchema,
} as const;
