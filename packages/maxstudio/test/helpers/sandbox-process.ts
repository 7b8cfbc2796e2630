import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FaultPlan, SandboxBilling, SandboxRequestRecord } from '../../src/testing/index.js';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));

/** A sandbox running in its own process (the `maxstudio-sandbox` bin, run from source with tsx). */
export interface SandboxProcess {
  url: string;
  apiKey: string;
  /** The process id of the sandbox. */
  pid: number;
  /** Everything the process printed. */
  output: () => string;
  billing(): Promise<SandboxBilling>;
  requests(): Promise<SandboxRequestRecord[]>;
  setFaults(plan: FaultPlan): Promise<void>;
  close(): Promise<void>;
  /** Kills the process with `SIGKILL` (no clean-up runs) and waits for it to exit. */
  kill(): Promise<void>;
}

/** Spawns `maxstudio-sandbox --port 0` and waits for its URL. */
export async function startSandboxProcess(args: string[] = []): Promise<SandboxProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/bin/maxstudio-sandbox.ts', '--port', '0', '--job-ms', '120', ...args],
    {
      cwd: packageDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sandbox did not start:\n${output}`)), 30_000);
    const check = () => {
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}:\n${output}`)));
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const admin = async (path: string, init?: RequestInit) => {
    const response = await fetch(`${url}/__sandbox/${path}`, init);
    if (!response.ok) throw new Error(`admin ${path}: ${response.status}`);
    return response.status === 204 ? undefined : ((await response.json()) as unknown);
  };
  return {
    url,
    apiKey: 'sandbox-key',
    pid: child.pid ?? 0,
    output: () => output,
    billing: async () => (await admin('billing')) as SandboxBilling,
    requests: async () => ((await admin('requests')) as { requests: SandboxRequestRecord[] }).requests,
    setFaults: async (plan) => {
      await admin('faults', {
        method: 'PUT',
        body: JSON.stringify(plan),
        headers: { 'content-type': 'application/json' },
      });
    },
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
