import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import type { StudioEvent } from '@model-studio/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createOutput } from '../src/output.js';
import { main } from '../src/program.js';
import { createProgressReporter } from '../src/progress-reporter.js';
import { quietBrokenPipe } from '../src/quiet-broken-pipe.js';
import { remainingCost } from '../src/remaining-cost.js';
import { tooSmallShortSide } from '../src/too-small-short-side.js';
import { unknownCommandMessage } from '../src/unknown-command-message.js';

/** Runs `studio <args>` in this process and returns what it printed and its exit code. */
async function studio(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  const before = process.exitCode;
  try {
    await main(['node', 'studio', ...args]);
    return { code: Number(process.exitCode ?? 0), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = before;
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('command-line mistakes', () => {
  it('an unknown command says so, suggests the near one and lists the commands (exit 2)', async () => {
    const typo = await studio('modles');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(
      /error: unknown command 'modles'\n\(Did you mean models\?\)\nCommands: models, consent, /,
    );
    expect(typo.stderr).not.toMatch(/too many arguments/);
    expect(typo.stdout).toBe('');
    expect(unknownCommandMessage('frob', ['models', 'run'])).toBe(
      "error: unknown command 'frob'\nCommands: models, run.",
    );
  });

  it('in --json mode a usage error is one JSON object on stdout', async () => {
    const unknown = await studio('--json', 'frob');
    expect(unknown.code).toBe(2);
    const body = JSON.parse(unknown.stdout) as { error: { code: string; message: string }; exitCode: number };
    expect(body.exitCode).toBe(2);
    expect(body.error.code).toBe('usage');
    expect(body.error.message).toMatch(/^unknown command 'frob'/);

    const option = await studio('models', 'list', '--json', '--colour');
    expect(JSON.parse(option.stdout)).toEqual({
      error: { code: 'usage', message: "unknown option '--colour'" },
      exitCode: 2,
    });
    const missing = await studio('--json', 'models', 'set');
    expect(JSON.parse(missing.stdout).error.message).toMatch(/missing required argument 'name'/);
    const needsCommand = await studio('--json', 'models');
    expect(JSON.parse(needsCommand.stdout).error.code).toBe('usage');
    expect(needsCommand.code).toBe(2);
  });

  it('without --json, usage errors print nothing on stdout; --help prints and exits 0', async () => {
    expect((await studio('models', 'list', '--colour')).stdout).toBe('');
    const help = await studio('models', 'set', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--min-short-side <n>\s+thresholds\.minShortSide/);
    expect(help.stdout).toMatch(/--swap-price <number>/);
  });
});

describe('a closed pipe on stdout', () => {
  it('is quiet: later writes are dropped and nothing is thrown', () => {
    const written: string[] = [];
    const stream = Object.assign(new EventEmitter(), {
      write: (chunk: string) => {
        written.push(chunk);
        return true;
      },
    }) as unknown as NodeJS.WriteStream;
    quietBrokenPipe([stream]);
    stream.write('first\n');
    expect(() => stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))).not.toThrow();
    expect(() =>
      stream.emit('error', Object.assign(new Error('destroyed'), { code: 'ERR_STREAM_DESTROYED' })),
    ).not.toThrow();
    stream.write('second\n');
    expect(written).toEqual(['first\n']);
    expect(() => stream.emit('error', Object.assign(new Error('disk'), { code: 'EIO' }))).toThrow('disk');
  });
});

describe('the progress bar and the Ctrl-C notice', () => {
  it('stops the bar before the notice, which is never drawn over, and reports the rest line by line', () => {
    let screen = '';
    const terminal = Object.assign(
      new Writable({
        write(chunk, _encoding, done) {
          screen += String(chunk);
          done();
        },
      }),
      { isTTY: true, columns: 100, rows: 40 },
    );
    const out = createOutput({ json: false, secrets: [], stdout: terminal, stderr: terminal });
    const progress = createProgressReporter(out, { tty: true, stream: terminal });
    const event = (value: unknown) => progress.onEvent(value as StudioEvent);
    event({ type: 'run-start', model: 'andie', total: 3, alreadyDone: 0, estimate: {} });
    event({ type: 'unit-start', unitId: 'u1', fileName: 'andie-s1-t001-sfw-enhanced.jpg' });
    expect(screen).toMatch(/0\/3 units/);
    out.warn('Stopping: nothing new is submitted (Ctrl-C again to quit at once)...');
    event({ type: 'unit-end', unitId: 'u1', done: 1, ok: true });
    progress.stop();
    // Colours (on when CI is set) are not cursor moves: compare the text without them.
    const plain = screen.replace(/\u001b\[[0-9;]*m/g, '');
    const notice = plain.indexOf('Stopping:');
    expect(plain[notice - 1]).toBe('\n');
    const after = plain.slice(notice);
    expect(after).toMatch(/^Stopping: nothing new is submitted \(Ctrl-C again to quit at once\)\.\.\.\n/);
    // Nothing after the notice moves the cursor back over it or redraws the bar.
    expect(after).not.toMatch(/\r|\u001b\[[0-9;]*[GKA]/);
    expect(after).toMatch(/✔ andie-s1-t001-sfw-enhanced\.jpg \(1\/3\)/);
  });
});

describe('small rules', () => {
  it('offers a lower minimum only when every photo was refused as too small', () => {
    const small = (width: number, height: number) => ({
      accepted: false,
      width,
      height,
      reason: { code: 'too-small' },
    });
    expect(tooSmallShortSide([small(512, 512), small(768, 600)])).toBe(512);
    expect(tooSmallShortSide([small(512, 512), { accepted: true, width: 900, height: 900 }])).toBeUndefined();
    expect(tooSmallShortSide([small(512, 512), { accepted: false, reason: { code: 'no-face' } }])).toBeUndefined();
    expect(tooSmallShortSide([])).toBeUndefined();
  });

  it('prices what a resume has left: pending stages, and uncertain ones only when resubmitted', () => {
    const prices = { swap: { units: 10, unit: 'credits' }, enhance: { units: 2, unit: 'credits' } };
    const status = {
      pending: ['a:s1:t001:sfw:swapped', 'a:s1:t001:sfw:enhanced', 'a:s1:t002:sfw:enhanced', 'a:s1:t003:sfw'],
      uncertain: ['a:s1:t004:sfw:swapped'],
    };
    expect(remainingCost(status, prices)).toEqual({
      perOp: { swap: { count: 1, amount: 10, unit: 'credits' }, enhance: { count: 2, amount: 4, unit: 'credits' } },
      total: { credits: 14 },
      unpriced: ['a:s1:t003:sfw'],
    });
    expect(remainingCost(status, prices, { resubmitUncertain: true }).total).toEqual({ credits: 24 });
  });
});
