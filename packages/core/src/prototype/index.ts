export { keyFromS3Url, type PresignedUrlInfo } from './presigned-url.js';
export { type PrototypeFiles, prototypeFolder, prototypeStorage } from './prototype-files.js';
export type { PrototypeImportOptions, PrototypeImportResult } from './prototype-import-types.js';
export type { PrototypeIssue, PrototypeIssueCode } from './prototype-issue.js';
export type { PrototypeCopy, PrototypeImportPlan, PrototypeStage } from './prototype-plan.js';
export { parsePrototypeTime } from './prototype-time.js';
