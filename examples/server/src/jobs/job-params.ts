import { z } from 'zod';

const budget = z
  .number()
  .positive()
  .optional()
  .describe('The most this job may spend, in credits: it stops (resumable) before going over.');

/** Body of `POST /v1/models/:model/runs`: which photos to run and how much it may spend. */
export const runJobParams = z
  .object({
    sources: z.array(z.number().int().positive()).min(1).optional().describe('Source numbers (default: every one).'),
    targets: z.array(z.number().int().positive()).min(1).optional().describe('Target numbers (default: every one).'),
    ratings: z.array(z.string().min(1)).min(1).optional().describe('Ratings (default: every rating consent covers).'),
    budget,
    concurrency: z.number().int().min(1).max(64).optional().describe('Units in flight at once.'),
  })
  .strict();
/** Params of a `run` job. */
export type RunJobParams = z.infer<typeof runJobParams>;

/** Body of `POST /v1/models/:model/resume`. */
export const resumeJobParams = z
  .object({
    budget,
    resubmitUncertain: z
      .boolean()
      .optional()
      .describe('Resubmit units whose earlier submission is uncertain (may pay twice for them).'),
  })
  .strict();
/** Params of a `resume` job. */
export type ResumeJobParams = z.infer<typeof resumeJobParams>;

/** Body of `POST /v1/models/:model/captions/jobs`. */
export const captionJobParams = z
  .object({
    ratings: z.array(z.string().min(1)).min(1).optional().describe('Ratings to caption (default: every one).'),
    budget,
  })
  .strict();
/** Params of a `caption` job. */
export type CaptionJobParams = z.infer<typeof captionJobParams>;

/** Body of `POST /v1/models/:model/trainings`. */
export const trainJobParams = z
  .object({
    dataset: z.string().min(1).default('v1').describe('The dataset version to train on (built first).'),
    version: z.string().min(1).optional().describe('The LoRA version to write (default: the dataset version).'),
    steps: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("Training steps (SimpleTuner's `max_train_steps`, ai-toolkit's `train.steps`)."),
    rank: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("LoRA rank (SimpleTuner's `lora_rank`, ai-toolkit's `network.linear`)."),
    engine: z
      .enum(['simpletuner', 'ai-toolkit'])
      .optional()
      .describe(
        'Which program trains (default: the engine of an earlier attempt of this version, else simpletuner); a version started with another engine is refused.',
      ),
    budgetUsd: z.number().positive().optional().describe('The most this training may spend, in USD.'),
    resubmitUncertain: z.boolean().optional().describe('Start again after a start whose answer was lost.'),
  })
  .strict();
/** Params of a `train` job. */
export type TrainJobParams = z.infer<typeof trainJobParams>;
