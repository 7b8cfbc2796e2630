/**
 * `@model-studio/maxstudio/testing`: a MaxStudio sandbox (emulator) for your own tests and demos. It speaks the
 * documented wire format on loopback, downloads the URLs it is given, produces real (SANDBOX-marked) images, keeps a
 * credit balance, a billing record and a request log, and injects scripted faults from a seed. It also speaks the video
 * calls (`/detect-face-video`, `/video-swap`), without decoding video. With `stateFile` its
 * jobs and billing survive restarts.
 *
 * @packageDocumentation
 */

export type { FaultKind, FaultPlan, FaultRule, SandboxRoute } from './fault-plan.js';
export { createHeuristicFaceDetector, heuristicFaceBox, skinFaceBox } from './heuristic-face-detector.js';
export type { Malformation } from './malformed-body.js';
export { sandboxMarkSvg } from './sandbox-mark.js';
export type {
  MaxStudioSandbox,
  MaxStudioSandboxOptions,
  SandboxBilling,
  SandboxCharge,
  SandboxJobDuration,
  SandboxOperation,
  SandboxRequestRecord,
} from './sandbox-options.js';
export { startMaxStudioSandbox } from './start-maxstudio-sandbox.js';
