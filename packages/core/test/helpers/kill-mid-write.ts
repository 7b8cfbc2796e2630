import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const crashPut = fileURLToPath(new URL('../fixtures/storage/crash-put.ts', import.meta.url));
const packageDir = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Starts a streamed LocalStorage put of `key` under `root` in a child process (fixtures/storage/crash-put.ts) and kills
 * it with SIGKILL once it reports it is writing. Returns the child's pid and the signal it ended with.
 */
export async function killMidWrite(root: string, key: string): Promise<{ pid: number; signal: NodeJS.Signals | null }> {
  const child = spawn(process.execPath, ['--import', 'tsx', crashPut, root, key], {
    cwd: packageDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (data: Buffer) => {
    stderr += data.toString();
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_code, signal) => resolve(signal)),
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (data: Buffer) => {
      if (data.toString().includes('writing')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`crash child exited (${code}) before writing:\n${stderr}`)));
  });
  child.kill('SIGKILL');
  return { pid: child.pid!, signal: await exited };
}
