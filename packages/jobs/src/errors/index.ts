export { JobNotFoundError } from './job-not-found-error.js';
export { JobStateError } from './job-state-error.js';
export { JobStoppedError } from './job-stopped-error.js';
export { QueueLockedError } from './queue-locked-error.js';
