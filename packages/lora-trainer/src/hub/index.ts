export {
  type CheckHubModelAccessOptions,
  checkHubModelAccess,
  type HubModelAccess,
  type HubModelAccessStatus,
} from './check-hub-model-access.js';
