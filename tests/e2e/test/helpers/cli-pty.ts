import { spawn } from 'node:child_process';

/** Removes ANSI escape sequences (colours, cursor moves) from terminal output. */
export function stripAnsi(text: string): string {
  return text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][A-Za-z0-9]|\x1b[=>78]/g, '');
}

/** A command running in a pseudo-terminal (util-linux `script`), driven like a person at the keyboard. */
export interface PtySession {
  /** Waits until `pattern` appears in the screen output after the previous match, then returns the text up to it. */
  waitFor(pattern: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Types keys (text, `\r` for Enter, `\x1b[B` for arrow down, ` ` to toggle a checkbox). */
  write(keys: string): void;
  /** Everything shown so far, without ANSI escapes. */
  screen(): string;
  /** Resolves with the command's exit code. */
  exited: Promise<number | null>;
  kill(): void;
}

/** Keys @clack/prompts understands. */
export const keys = { enter: '\r', down: '\x1b[B', up: '\x1b[A', space: ' ', backspace: '\x7f' } as const;

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Runs `argv` in a pseudo-terminal of 160x50 with `script -qfec`, in `cwd` with `env`. */
export function startPty(argv: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv }): PtySession {
  const command = `stty cols 160 rows 50; exec ${argv.map(shellQuote).join(' ')}`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: options.cwd,
    env: { ...options.env, TERM: 'xterm-256color' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let raw = '';
  let consumed = 0;
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    raw += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const screen = () => stripAnsi(raw);
  return {
    screen,
    exited,
    write(text) {
      child.stdin.write(text);
    },
    kill() {
      child.kill('SIGKILL');
    },
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const text = screen().slice(consumed);
          const index = typeof pattern === 'string' ? text.indexOf(pattern) : text.search(pattern);
          if (index < 0) return false;
          const length = typeof pattern === 'string' ? pattern.length : (pattern.exec(text)?.[0].length ?? 0);
          consumed += index + length;
          resolve(text.slice(0, index + length));
          return true;
        };
        if (check()) return;
        const listener = () => {
          if (check()) done();
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`Timed out waiting for ${String(pattern)}. Screen so far:\n${screen().slice(-4000)}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(listener);
          exited.then(() => {}).catch(() => {});
        };
        listeners.add(listener);
        exited.then(() => {
          if (listeners.has(listener) && !check()) {
            done();
            reject(
              new Error(`The process exited while waiting for ${String(pattern)}. Screen:\n${screen().slice(-4000)}`),
            );
          }
        });
      });
    },
  };
}
