export { buildServer } from './app.js';
export { fileCountLimit } from './app-limits.js';
export type { AccountStore, ApiKeyRecord, Caller, CreatedApiKey, KeyScope, UserRecord } from './auth/account-store.js';
export { keyScopes, scopeAllows } from './auth/account-store.js';
export { presentedKey, requiredScope } from './auth/auth-hook.js';
export { StorageAccountStore } from './auth/storage-account-store.js';
export { HttpProblem } from './errors/http-problem.js';
export { classifyError, problemFor, scrubSecrets, sendProblem } from './errors/problem-details.js';
export { type Problem, problemResponses, problemSchema } from './errors/problem-schema.js';
export { openJobQueue } from './open-job-queue.js';
export {
  loadServerConfig,
  type ServerCaptionerSettings,
  type ServerConfig,
  type ServerConfigOverrides,
  type ServerRateLimit,
  type ServerS3Settings,
} from './server-config.js';
export type { ServerContext, ServerStudio } from './server-context.js';
export { createServerLogger, redactUrl } from './server-logger.js';
export {
  createServerContext,
  type OpenedServerContext,
  type StartedServer,
  type StartServerOptions,
  startServer,
} from './start-server.js';
export { createStudioWiring, type StudioWiring } from './studio-wiring.js';
