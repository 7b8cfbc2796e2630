import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';

/** Writes JSON durably: a temporary file beside it, fsync'd, renamed over the target. */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(`${JSON.stringify(value)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Reads a JSON file; `undefined` when it does not exist. */
export async function readJson<T>(file: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return JSON.parse(text) as T;
}

/**
 * The complete lines of a JSON-lines file, parsed. A torn last line (no newline yet: a crash mid-append) is left
 * out; `validBytes` is where it starts (the end of the last complete line). A complete line that is not JSON is
 * skipped, never used to cut the file.
 */
export async function readJsonLines<T>(file: string): Promise<{ values: T[]; validBytes: number }> {
  let buffer: Buffer;
  try {
    buffer = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { values: [], validBytes: 0 };
    throw error;
  }
  const values: T[] = [];
  let start = 0;
  for (let end = buffer.indexOf(10, start); end !== -1; end = buffer.indexOf(10, start)) {
    const line = buffer.subarray(start, end).toString('utf8').trim();
    start = end + 1;
    if (line.length === 0) continue;
    try {
      values.push(JSON.parse(line) as T);
    } catch {
      // A damaged line (a torn write that a later append followed): skipped.
    }
  }
  return { values, validBytes: start };
}
