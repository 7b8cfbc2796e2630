import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelStudioError } from '../errors/index.js';

/** Another live process holds the model's journal and ledger. */
export class ModelBusyError extends ModelStudioError {
  constructor(
    readonly model: string,
    readonly pid: number,
  ) {
    super(
      'model-busy',
      `Model "${model}" is being processed by another process (pid ${pid}): only one process may run a model at a time. ` +
        `Wait for it to finish (or stop it), then try again; \`studio status ${model}\` works meanwhile.`,
    );
    this.name = 'ModelBusyError';
  }
  static override isInstance(error: unknown): error is ModelBusyError {
    return ModelStudioError.hasCode(error, 'model-busy');
  }
}

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
  const path = join(dir, 'run.lock');
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
  const pid = Number.parseInt(await readFile(join(dir, 'run.lock'), 'utf8').catch(() => ''), 10);
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid) ? pid : undefined;
}
