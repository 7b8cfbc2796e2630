/**
 * Starts and stops the caption sandbox in its own process (bench/sandbox-process.mjs, from the package's build, under
 * plain node), and reads that process's CPU time, so the bench measures the captioner's client alone.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A caption sandbox running in a child process. */
export interface SandboxChild {
  url: string;
  pid: number;
  /** CPU ms (user + system) the sandbox process has used so far; undefined where /proc is not readable. */
  cpuMs(): number | undefined;
  /** Stops it by its PID (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
}

/** CPU ms (user + system) of a process, from /proc on Linux; undefined elsewhere. */
export function processCpuMs(pid: number): number | undefined {
  try {
    // Fields after the command name (in parentheses): utime and stime are the 14th and 15th of the line.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
  });
}

/**
 * Starts the sandbox process with `options` (those of startCaptionSandbox) and waits for its URL.
 * @throws Error when the package is not built, or the process exits or stays silent for 60 s.
 */
export async function startSandboxChild(options: { latencyMs?: number }): Promise<SandboxChild> {
  const dist = fileURLToPath(new URL('../dist/testing.js', import.meta.url));
  if (!existsSync(dist)) {
    throw new Error('The sandbox runs from the build: run `pnpm --filter @model-studio/captioning build` first.');
  }
  const sources = fileURLToPath(new URL('../src/testing/', import.meta.url));
  const newest = Math.max(...readdirSync(sources).map((name) => statSync(`${sources}${name}`).mtimeMs));
  if (newest > statSync(dist).mtimeMs) {
    console.log('  note: src/testing is newer than dist: the sandbox runs the last build (pnpm build to refresh it)');
  }
  const child = spawn(process.execPath, [fileURLToPath(new URL('./sandbox-process.mjs', import.meta.url))], {
    env: { ...process.env, SANDBOX_OPTIONS: JSON.stringify(options) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const started = Date.now();
  while (!stdout.includes('\n')) {
    if (child.exitCode !== null) throw new Error(`The sandbox process exited: ${stderr.trim()}`);
    if (Date.now() - started > 60_000) throw new Error(`The sandbox process did not start: ${stderr.trim()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const { url } = JSON.parse(stdout.split('\n')[0]!) as { url: string };
  const pid = child.pid!;
  return {
    url,
    pid,
    cpuMs: () => processCpuMs(pid),
    async stop() {
      process.kill(pid, 'SIGTERM');
      await exited(child);
    },
  };
}
