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

/** Creates the progress display for a run. In JSON mode it prints nothing. */
export function createProgressReporter(out: Output, options: { tty: boolean }): ProgressReporter {
  if (out.json) return { onEvent() {}, stop() {} };
  const prefix = out.sandbox ? `${pc.yellow('[SANDBOX]')} ` : '';
  let bar: cliProgress.SingleBar | undefined;
  let total = 0;
  const names = new Map<string, string>();
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
                stream: process.stdout,
              },
              cliProgress.Presets.shades_classic,
            );
            bar.start(event.total, event.alreadyDone, { file: '' });
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
          bar?.stop();
          bar = undefined;
          break;
        default:
          break;
      }
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
