import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The server's built entry (tests run the real `studio-server` from dist, with its sandboxes). */
export const serverBin = fileURLToPath(new URL('../../../server/dist/bin.js', import.meta.url));

/** A started `studio-server`: its URL, the admin key it printed once, its output so far, and `stop()`. */
export interface StartedStudioServer {
  url: string;
  adminKey: string;
  workspace: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `studio-server start` from dist on a free port (PORT=0) with a temp workspace and no provider keys (so the
 * sandboxes), and waits for the URL and the admin key it prints on a first start.
 */
export async function startStudioServer(options: { timeoutMs?: number } = {}): Promise<StartedStudioServer> {
  const workspace = await mkdtemp(join(tmpdir(), 'studio-web-workspace-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    STUDIO_WORKSPACE: workspace,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'warn',
  };
  const child: ChildProcess = spawn(process.execPath, [serverBin, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(workspace, { recursive: true, force: true });
  };
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    const url = /https?:\/\/127\.0\.0\.1:\d+/.exec(output)?.[0];
    const adminKey = /msk_[A-Za-z0-9_-]{20,}/.exec(output)?.[0];
    if (url && adminKey) return { url, adminKey, workspace, output: () => output, stop };
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`studio-server did not print its URL and admin key. Its output:\n${output}`);
}
