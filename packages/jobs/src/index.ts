export * from './bullmq/bullmq-job-queue.js';
export * from './embedded/embedded-job-queue.js';
export * from './errors/index.js';
export * from './job-queue.js';
