import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { ValidationError } from '@model-studio/core';
import { extract } from 'tar-stream';
import type { LocalJobRecord } from './local-trainer-settings.js';

/** File names inside a local run folder. */
export const localRunFiles = {
  job: 'job.json',
  config: 'config.json',
  console: 'console.log',
  exitCode: 'exit-code',
  cancelled: 'cancelled',
  dataset: 'dataset',
  output: 'output',
} as const;

/** Reads a file as text, or `undefined` when missing. */
export async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The run's `job.json`; throws `ValidationError` when the folder holds no run. */
export async function readJobRecord(runDir: string): Promise<LocalJobRecord> {
  const text = await readOptional(join(runDir, localRunFiles.job));
  if (text === undefined)
    throw new ValidationError(`No local training run in ${runDir} (job.json is missing).`, { field: 'job' });
  return JSON.parse(text) as LocalJobRecord;
}

/** Unpacks a tar stream into `dir`, refusing entries that would land outside it. */
export async function unpackTar(stream: ReadableStream<Uint8Array>, dir: string): Promise<number> {
  const extractor = extract();
  let files = 0;
  const done = (async () => {
    for await (const entry of extractor) {
      const target = join(dir, entry.header.name);
      if (relative(dir, target).startsWith('..') || entry.header.name.startsWith('/')) {
        throw new ValidationError(`The dataset archive has an entry outside its folder: ${entry.header.name}.`);
      }
      if (entry.header.type === 'directory') {
        await mkdir(target, { recursive: true });
        entry.resume();
        continue;
      }
      await mkdir(dirname(target), { recursive: true });
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      await writeFile(target, Buffer.concat(chunks));
      files++;
    }
  })();
  const source = Readable.fromWeb(stream as import('node:stream/web').ReadableStream<Uint8Array>);
  source.on('error', (error) => extractor.destroy(error));
  source.pipe(extractor);
  await done;
  return files;
}

/** Every file under `dir`, relative, sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(current: string): Promise<void> {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) await walk(path);
      else found.push(relative(dir, path));
    }
  }
  await walk(dir);
  return found.sort();
}

/** Whether a path exists. */
export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Points the unpacked dataset's `simpletuner/multidatabackend.json` at this machine: every string value starting with
 * `remoteRoot` (the dataset builder's, `/workspace/dataset` by default) is rebased onto `localRoot`. Returns the
 * file's path, or `undefined` when the archive has none.
 */
export async function rebaseMultidatabackend(localRoot: string, remoteRoot: string): Promise<string | undefined> {
  const path = join(localRoot, 'simpletuner', 'multidatabackend.json');
  const text = await readOptional(path);
  if (text === undefined) return undefined;
  const rebased = JSON.parse(text, (_key, value: unknown) =>
    typeof value === 'string' && (value === remoteRoot || value.startsWith(`${remoteRoot}/`))
      ? localRoot + value.slice(remoteRoot.length)
      : value,
  );
  await writeFile(path, `${JSON.stringify(rebased, null, 2)}\n`);
  return path;
}
