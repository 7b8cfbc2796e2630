import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './repo.js';

/** The built `studio` binary. */
export const cliBin = join(repoRoot, 'examples', 'cli', 'dist', 'bin.js');

/** The built `maxstudio-sandbox` binary. */
export const sandboxBin = join(repoRoot, 'packages', 'maxstudio', 'dist', 'bin', 'maxstudio-sandbox.js');

/** The CLI's bundled demo samples. */
export const samplesDir = join(repoRoot, 'examples', 'cli', 'samples');

/** Builds the CLI and everything it depends on when its dist is missing (serialised with other builds). */
export function ensureCliBuilt(): void {
  if (existsSync(cliBin) && existsSync(sandboxBin)) return;
  execFileSync('flock', ['/tmp/build.lock', 'pnpm', '--filter', '@model-studio/cli...', 'build'], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
}

/** What a finished CLI process printed and returned. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** An environment without MaxStudio or S3 settings inherited from the test runner, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(MAXSTUDIO_|S3_|STUDIO_|AWS_|HF_|CAPTIONER)/.test(name)) continue;
    env[name] = value;
  }
  return { ...env, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0', ...extra };
}

/** Runs the built CLI with `args` in `cwd` and collects its output. */
export function runCli(args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliBin, ...args], {
      cwd: options.cwd,
      env: options.env ?? cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Parses the CLI's `--json` stdout, failing with the process's output when it is not JSON. */
export function parseJson<T = Record<string, unknown>>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.code}).\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
}

/** A MaxStudio sandbox running in its own process (the package's `maxstudio-sandbox` command). */
export interface SandboxProcess {
  url: string;
  /** The sandbox's billing record (a sandbox-only admin path the client never calls). */
  billing(): Promise<{
    initialCredits: number;
    balance: number;
    charges: { jobId: string; operation: string; credits: number }[];
  }>;
  /** Replaces the sandbox's scripted faults (its sandbox-only `PUT /__sandbox/faults`). */
  setFaults(plan: Record<string, unknown>): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `maxstudio-sandbox --port 0` with the given API key and waits for its URL. */
export function startSandboxProcess(options: { apiKey: string; jobMs?: number }): Promise<SandboxProcess> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(
      process.execPath,
      [sandboxBin, '--port', '0', '--key', options.apiKey, '--job-ms', String(options.jobMs ?? 200)],
      { stdio: ['ignore', 'pipe', 'pipe'], env: cleanEnv() },
    );
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`maxstudio-sandbox did not start:\n${output}`));
    }, 30_000);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (!match?.[1]) return;
      clearTimeout(timer);
      const url = match[1].replace(/\/$/, '');
      resolve({
        url,
        async billing() {
          const response = await fetch(`${url}/__sandbox/billing`);
          return (await response.json()) as Awaited<ReturnType<SandboxProcess['billing']>>;
        },
        async setFaults(plan) {
          const response = await fetch(`${url}/__sandbox/faults`, { method: 'PUT', body: JSON.stringify(plan) });
          if (!response.ok)
            throw new Error(`setting sandbox faults failed: ${response.status} ${await response.text()}`);
        },
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`maxstudio-sandbox exited with ${code}:\n${output}`));
    });
  });
}

/**
 * Prepares a model through the CLI as a user would: creates it (min short side 512), records consent, adds the sample
 * source (Grace Hopper) and the sample targets folder (three of its four photos show a face). Fails with the CLI's
 * output when a step does not exit 0.
 */
export async function prepareSampleModel(
  model: string,
  options: { cwd: string; env: NodeJS.ProcessEnv; args?: readonly string[] },
): Promise<void> {
  const steps = [
    ['models', 'create', model, '--min-short-side', '512'],
    ['consent', 'set', model, '--subject', 'Subject', '--adult', '--attested-by', 'operator', '--evidence', 'doc'],
    ['sources', 'add', model, join(samplesDir, 'grace_hopper.jpg')],
    ['targets', 'add', model, join(samplesDir, 'targets'), '--rating', 'sfw', '--origin', 'samples', '--rights', 'pd'],
  ];
  for (const step of steps) {
    const result = await runCli([...(options.args ?? []), ...step], options);
    if (result.code !== 0) {
      throw new Error(`studio ${step.join(' ')} exited ${result.code}:\n${result.stdout}${result.stderr}`);
    }
  }
}

/** Runs the CLI and sends SIGINT once the first unit has ended (`(1/N)` in its output), like Ctrl-C at a terminal. */
export function runAndInterrupt(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliBin, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let sent = false;
    const check = () => {
      if (!sent && /\(1\/\d+\)/.test(stdout + stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
    };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      check();
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      check();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
