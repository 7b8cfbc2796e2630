import type { StudioEvent } from '@model-studio/core';
import cliProgress from 'cli-progress';
import pc from 'picocolors';
import type { Output } from './output.js';

/** Turns run events into a progress bar (on a terminal) or one line per finished unit (in logs). */
export interface ProgressReporter {
  onEvent(event: StudioEvent): void;
  /** Stops the bar (call before printing anything else). */
  stop(): void;
}

/** Options for {@link createProgressReporter}. */
export interface ProgressReporterOptions {
  /** Draw a bar (a terminal); else one line per finished unit. */
  tty: boolean;
  /** Where the bar is drawn. @default process.stdout */
  stream?: NodeJS.WritableStream;
}

/**
 * Creates the progress display for a run. In JSON mode it prints nothing. The bar gives way to any message printed
 * through `out` (the Ctrl-C notice, a warning): it stops, leaving its last state above the message, and the rest of
 * the run is reported one line per finished unit.
 */
export function createProgressReporter(out: Output, options: ProgressReporterOptions): ProgressReporter {
  if (out.json) return { onEvent() {}, stop() {} };
  const prefix = out.sandbox ? `${pc.yellow('[SANDBOX]')} ` : '';
  let bar: cliProgress.SingleBar | undefined;
  let total = 0;
  const names = new Map<string, string>();
  const stopBar = () => {
    const stopping = bar;
    bar = undefined;
    stopping?.stop();
  };
  return {
    onEvent(event) {
      switch (event.type) {
        case 'run-start': {
          total = event.total;
          out.line(
            `${prefix}Processing ${event.total} unit(s) of model "${event.model}"${event.alreadyDone ? ` (${event.alreadyDone} already done)` : ''}`,
          );
          if (options.tty) {
            bar = new cliProgress.SingleBar(
              {
                format: `${prefix}{bar} {value}/{total} units | {file}`,
                hideCursor: true,
                clearOnComplete: false,
                stream: options.stream ?? process.stdout,
              },
              cliProgress.Presets.shades_classic,
            );
            bar.start(event.total, event.alreadyDone, { file: '' });
            out.setLiveDisplay({ stop: stopBar });
          }
          break;
        }
        case 'unit-start':
          names.set(event.unitId, event.fileName);
          bar?.update({ file: event.fileName });
          break;
        case 'unit-end': {
          const name = names.get(event.unitId) ?? event.unitId;
          if (bar) {
            bar.update(event.done, { file: name });
          } else {
            const mark = event.ok ? pc.green('✔') : pc.red('✖');
            const why = event.failure
              ? `: ${event.failure.stage} failed: ${event.failure.message}`
              : event.ok
                ? ''
                : ': uncertain';
            out.line(`  ${mark} ${name} (${event.done}/${total})${why}`);
          }
          break;
        }
        case 'run-end':
          out.setLiveDisplay(undefined);
          stopBar();
          break;
        default:
          break;
      }
    },
    stop() {
      out.setLiveDisplay(undefined);
      stopBar();
    },
  };
}
