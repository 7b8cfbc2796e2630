export * from './job-queue-contract-api.js';
export * from './job-queue-contract-tests.js';
export * from './start-redis-server.js';
export * from './wait-until.js';
