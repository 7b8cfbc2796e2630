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
  /**
   * Registers a display that redraws itself in place (a progress bar), or clears the registration. Before any line,
   * warning or error is printed, `stop()` is called once and the display forgotten, so the bar never draws over a
   * message (such as the Ctrl-C notice): what it showed stays above the message.
   */
  setLiveDisplay(display: LiveDisplay | undefined): void;
}

/** A display that redraws itself in place; see {@link Output.setLiveDisplay}. */
export interface LiveDisplay {
  /** Stops redrawing and leaves the cursor on a fresh line. */
  stop(): void;
}

/** Creates the {@link Output} for one command. */
export function createOutput(options: OutputOptions): Output {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const scrub = (text: string) => scrubSecrets(text, options.secrets);
  let bannerShown = false;
  let live: LiveDisplay | undefined;
  const endLive = () => {
    const display = live;
    live = undefined;
    display?.stop();
  };
  const output: Output = {
    json: options.json,
    sandbox: false,
    line(text = '') {
      endLive();
      (options.json ? stderr : stdout).write(`${scrub(text)}\n`);
    },
    warn(text) {
      endLive();
      stderr.write(`${pc.yellow(scrub(text))}\n`);
    },
    error(text) {
      endLive();
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
    setLiveDisplay(display) {
      live = display;
    },
  };
  return output;
}
