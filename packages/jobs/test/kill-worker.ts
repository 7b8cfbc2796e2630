import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { waitUntil } from '../src/testing/index.js';

const fixture = fileURLToPath(new URL('./fixtures/slow-worker.ts', import.meta.url));
const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** One line of the fixture's log. */
export interface LogLine {
  what: 'start' | 'done';
  job: string;
  model: string;
  worker: string;
  attempt: number;
  at: number;
}

/** The `start`/`done` lines of a worker log. */
export function readLog(file: string): LogLine[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.split(' '))
    .filter((parts) => parts[0] === 'start' || parts[0] === 'done')
    .map(([what, job, model, worker, attempt, at]) => ({
      what: what as LogLine['what'],
      job: job!,
      model: model!,
      worker: worker!,
      attempt: Number(attempt),
      at: Number(at),
    }));
}

/** A started fixture worker process. */
export interface WorkerProcess {
  child: ChildProcess;
  workerId: string;
  exited: Promise<void>;
}

/** Starts `test/fixtures/slow-worker.ts` (node --import tsx) and waits until it says it is ready. */
export async function startWorkerProcess(
  args: { kind: 'embedded' | 'bullmq'; where: string; prefix: string; logFile: string },
  workerId: string,
): Promise<WorkerProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fixture, args.kind, args.where, args.prefix, args.logFile, workerId],
    { cwd: packageDir, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitUntil(
    `worker ${workerId} is ready`,
    () => {
      if (child.exitCode !== null) throw new Error(`worker ${workerId} exited with code ${child.exitCode} at start`);
      return existsSync(args.logFile) ? readFileSync(args.logFile, 'utf8').includes(`ready ${workerId} `) : false;
    },
    90_000,
  );
  return { child, workerId, exited };
}

/** Ends a worker process (SIGTERM unless another signal is given) and waits for it to exit. */
export async function endWorkerProcess(worker: WorkerProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill(signal);
  await worker.exited;
}
