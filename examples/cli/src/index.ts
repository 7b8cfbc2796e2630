/**
 * `@model-studio/cli`: the `studio` command. The package's main use is the `studio` binary; this entry exposes its
 * program (for embedding and tests) and the exit-code table.
 *
 * @packageDocumentation
 */

/** Core's loopback check: a loopback MaxStudio base URL is a sandbox, never the paid API. */
export { isLoopbackUrl } from '@model-studio/core';
export { type ExitCode, exitCodeForError, exitCodeForOutcome, exitCodes } from './exit-codes.js';
export { createProgram, main } from './program.js';
export {
  type CliSettings,
  loadSettings,
  type S3Settings,
  scrubSecrets,
  secretNames,
  settingNames,
} from './settings.js';

/** The package's name. */
export const packageName = '@model-studio/cli';
