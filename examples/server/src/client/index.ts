export type { components, operations, paths } from './openapi-types.js';
export { createStudioClient, type StudioClient, type StudioClientSettings } from './studio-client.js';
