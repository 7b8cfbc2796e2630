import pc from 'picocolors';
import { scrubSecrets } from './settings.js';

/** The label every screen of a sandbox run carries. */
export const SANDBOX_LABEL = 'SANDBOX';

/** Options for {@link createOutput}. */
export interface OutputOptions {
  /** Machine-readable mode: only the final JSON goes to stdout; everything else goes to stderr. */
  json: boolean;
  /** Secret values to scrub from everything printed. */
  secrets: readonly string[];
  /** Where human text goes. @default process.stdout */
  stdout?: NodeJS.WritableStream;
  /** Where notes and errors go. @default process.stderr */
  stderr?: NodeJS.WritableStream;
}

/** How commands print: human text, notes, errors and the one JSON result. Secrets are scrubbed from all of it. */
export interface Output {
  readonly json: boolean;
  /** True once the provider is a sandbox: screens and the JSON result are labelled. */
  sandbox: boolean;
  /** A line of human output (stdout; stderr in JSON mode so stdout stays machine-readable). */
  line(text?: string): void;
  /** A warning or hint (stderr). */
  warn(text: string): void;
  /** An error (stderr). */
  error(text: string): void;
  /** The command's result: JSON on stdout in JSON mode, else `human()` prints it. */
  result(data: unknown, human: () => void): void;
  /** The SANDBOX banner (once per command). */
  sandboxBanner(detail: string): void;
  /** Scrubs secrets from a string. */
  scrub(text: string): string;
}

/** Creates the {@link Output} for one command. */
export function createOutput(options: OutputOptions): Output {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const scrub = (text: string) => scrubSecrets(text, options.secrets);
  let bannerShown = false;
  const output: Output = {
    json: options.json,
    sandbox: false,
    line(text = '') {
      (options.json ? stderr : stdout).write(`${scrub(text)}\n`);
    },
    warn(text) {
      stderr.write(`${pc.yellow(scrub(text))}\n`);
    },
    error(text) {
      stderr.write(`${pc.red(scrub(text))}\n`);
    },
    result(data, human) {
      if (options.json) {
        const labelled =
          output.sandbox && typeof data === 'object' && data !== null && !Array.isArray(data)
            ? { sandbox: true, ...data }
            : data;
        stdout.write(`${scrub(JSON.stringify(labelled, null, 2))}\n`);
      } else {
        human();
      }
    },
    sandboxBanner(detail) {
      output.sandbox = true;
      if (bannerShown) return;
      bannerShown = true;
      output.line(pc.bgYellow(pc.black(` ${SANDBOX_LABEL} `)) + pc.yellow(` ${detail}`));
    },
    scrub,
  };
  return output;
}
