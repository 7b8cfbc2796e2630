import type { Output } from './output.js';
import type { CliSettings } from './settings.js';

/** Options every command accepts (see `studio --help`). */
export interface GlobalOptions {
  /** The workspace folder. @default `STUDIO_WORKSPACE`, else `./studio-workspace` */
  workspace: string;
  /** Answer yes to every confirmation. */
  yes: boolean;
  /** Print one JSON document on stdout and nothing else there. */
  json: boolean;
  /** Stop a run before its spend would exceed this many credits. */
  budget?: number;
  /** Units in flight at once. */
  concurrency?: number;
  /** Use an in-process MaxStudio sandbox instead of the real API. */
  sandbox: boolean;
}

/** What every command receives. */
export interface CliContext {
  options: GlobalOptions;
  settings: CliSettings;
  out: Output;
  /** Whether a person is at the terminal (stdin and stdout are TTYs, not CI). */
  interactive: boolean;
  /** Aborted on Ctrl-C. */
  signal: AbortSignal;
}
