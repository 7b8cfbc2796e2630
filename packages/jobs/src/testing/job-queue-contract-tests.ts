import { cancelResumeContractTests, runningCancelResumeContractTests } from './contract-cancel-resume.js';
import { eventContractTests } from './contract-events.js';
import { recordContractTests } from './contract-records.js';
import { workerContractTests } from './contract-workers.js';
import type { JobQueueContractOptions, JobQueueContractTestApi } from './job-queue-contract-api.js';

/**
 * The job-queue contract suite: one set of tests every {@link JobQueue} implementation passes (the embedded queue and
 * the BullMQ queue run it; so can yours). Each test makes a fresh store with `create()`.
 *
 * Covers: add/get/list with filters and order, bad input, event replay + live + `after`, batched appends, cancel of queued and running
 * jobs, handler errors as `{ name, message }`, `JobStoppedError`, resume of stopped and failed jobs, one job per model,
 * concurrency, a second instance on the same store, takeover of `running` jobs after a restart, and close.
 *
 * @example
 * ```ts no-run
 * import { describe, expect, it } from 'vitest';
 * import { createEmbeddedJobQueue } from '@model-studio/jobs';
 * import { jobQueueContractTests } from '@model-studio/jobs/testing';
 *
 * jobQueueContractTests({ describe, it, expect }, {
 *   name: 'embedded',
 *   async create() {
 *     const dir = await mkdtemp(join(tmpdir(), 'jobs-'));
 *     const open = async () => createEmbeddedJobQueue({ dir, pollInterval: 50 });
 *     const queue = await open();
 *     return { queue, open, cleanup: async () => { await queue.close(); await rm(dir, { recursive: true }); } };
 *   },
 * });
 * ```
 */
export function jobQueueContractTests(api: JobQueueContractTestApi, options: JobQueueContractOptions): void {
  api.describe(`job queue contract: ${options.name}`, () => {
    recordContractTests(api, options);
    eventContractTests(api, options);
    cancelResumeContractTests(api, options);
    runningCancelResumeContractTests(api, options);
    workerContractTests(api, options);
  });
}
