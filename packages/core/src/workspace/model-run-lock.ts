import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { ModelBusyError } from '../errors/model-busy-error.js';
import { modelRecordFiles } from '../naming/storage-keys.js';

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the model's single-writer lock: a `run.lock` file holding this process's pid, created exclusively.
 * A lock left by a process that no longer runs (a crash, SIGKILL) is taken over.
 * @returns a function that releases it.
 * @throws {ModelBusyError} when a live process holds it.
 */
export async function acquireModelRunLock(dir: string, model: string): Promise<() => Promise<void>> {
  const path = join(dir, modelRecordFiles.runLock);
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const pid = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) throw new ModelBusyError(model, pid);
    await rm(path, { force: true });
  }
  throw new ModelBusyError(model, -1);
}

/** The pid holding the model's lock, when a live process does. */
export async function modelRunLockHolder(dir: string): Promise<number | undefined> {
  const pid = Number.parseInt(await readFile(join(dir, modelRecordFiles.runLock), 'utf8').catch(() => ''), 10);
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid) ? pid : undefined;
}

/** Options for {@link withModelRunLock}. */
export interface ModelRunLockWaitOptions {
  /**
   * How long to wait for another process to release the lock, in milliseconds. 0 gives up at once.
   * @default 0
   */
  waitMs?: number;
  /** How often to look at the lock while waiting, in milliseconds. @default 200 */
  pollMs?: number;
  /** Stops the wait (rejecting with the signal's reason); nothing is done then. */
  signal?: AbortSignal;
  /** The error to throw when another process still holds the lock (default: a plain {@link ModelBusyError}). */
  busyError?: (pid: number) => ModelBusyError;
}

/**
 * Runs `work` while holding the model's run lock, so no run of the model (in any process) starts or goes on meanwhile.
 * While another live process holds the lock, it looks again every `pollMs` until `waitMs` have passed. When this
 * process holds the lock itself (a studio in this process has the model open), `work` runs without taking it: a
 * studio stops its own runs first (see `Studio.revokeConsent`). When the model's folder does not exist, no run can
 * hold its lock and `work` runs without it.
 * @throws {ModelBusyError} when another live process still holds the lock after `waitMs`; `work` did not run.
 */
export async function withModelRunLock<T>(
  dir: string,
  model: string,
  options: ModelRunLockWaitOptions,
  work: () => Promise<T>,
): Promise<T> {
  const waitMs = Math.max(0, options.waitMs ?? 0);
  const pollMs = Math.max(1, options.pollMs ?? 200);
  const deadline = Date.now() + waitMs;
  for (;;) {
    options.signal?.throwIfAborted();
    let release: (() => Promise<void>) | undefined;
    try {
      release = await acquireModelRunLock(dir, model);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return work();
      if (!ModelBusyError.isInstance(error)) throw error;
      if (error.pid === process.pid) return work();
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw options.busyError?.(error.pid) ?? error;
      await delay(Math.min(pollMs, remaining), undefined, { signal: options.signal }).catch((abort: unknown) => {
        options.signal?.throwIfAborted();
        throw abort;
      });
      continue;
    }
    try {
      return await work();
    } finally {
      await release();
    }
  }
}
