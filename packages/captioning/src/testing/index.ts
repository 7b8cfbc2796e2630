/**
 * `@model-studio/captioning/testing`: a caption sandbox (an emulator of the Hugging Face router, Inference Endpoints,
 * OpenAI-compatible servers and Ollama) on 127.0.0.1, with fault injection, for your own tests.
 *
 * @packageDocumentation
 */

export { type DecodedImage, decodeImage } from './decode-image.js';
export { sandboxBlipCaption, sandboxCaption, sandboxZeroShot } from './sandbox-answers.js';
export type { SandboxFault, SandboxFaultSpec, SandboxRoute } from './sandbox-faults.js';
export {
  type CaptionSandbox,
  type CaptionSandboxOptions,
  type CaptionSandboxRequest,
  startCaptionSandbox,
} from './start-caption-sandbox.js';
