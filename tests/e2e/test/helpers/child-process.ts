import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const e2eDir = fileURLToPath(new URL('../../', import.meta.url));

/** Starts a TypeScript helper under tsx in its own process (cwd: tests/e2e, so workspace packages resolve). */
export function spawnTs(script: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(`./${script}`, import.meta.url))], {
    cwd: e2eDir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Collects a child's JSON stdout lines and stderr text. */
export function collectLines(child: ChildProcess): { lines: Record<string, unknown>[]; stderr: () => string } {
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      lines.push(JSON.parse(line));
    } catch {
      // not a JSON line: ignore
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return { lines, stderr: () => stderr };
}

/** Resolves when the child exits, with its code and signal. */
export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** Starts the MaxStudio sandbox in its own process and returns its URL and a stop function. */
export async function startSandboxProcess(options: object = {}): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawnTs('sandbox-process.ts', { SANDBOX_OPTIONS: JSON.stringify(options) });
  const output = collectLines(child);
  const started = Date.now();
  while (!output.lines.some((line) => typeof line.url === 'string')) {
    if (child.exitCode !== null) throw new Error(`sandbox process exited: ${output.stderr()}`);
    if (Date.now() - started > 60_000) throw new Error(`sandbox process did not start: ${output.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const url = output.lines.find((line) => typeof line.url === 'string')!.url as string;
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}

/** A seeded PRNG (mulberry32): the same seed gives the same kill moments. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
