import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { UsageError } from './usage-error.js';

/** An image file to import: its original name and bytes (core's `ImportInput` shape) and where it was read. */
export interface InputFile {
  name: string;
  bytes: Uint8Array;
  path: string;
}

/** File extensions read from folders. Single files are read whatever their name, and checked by content. */
export const imageExtensions = ['.jpg', '.jpeg', '.png', '.webp'];

/**
 * Splits what a person typed into paths: several arguments and/or comma-separated lists, e.g.
 * `a.jpg,b.jpg` or `photos/`. Empty items are dropped.
 */
export function splitPathList(specs: readonly string[]): string[] {
  return specs
    .flatMap((spec) => spec.split(','))
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/**
 * Expands paths (files or folders; folders give their image files in name order, not recursive) and reads the
 * files. Throws a {@link UsageError} naming a path that does not exist, or when no image is found.
 */
export async function readInputFiles(specs: readonly string[], cwd: string = process.cwd()): Promise<InputFile[]> {
  const paths = splitPathList(specs);
  if (paths.length === 0)
    throw new UsageError('No photos given: pass image files, a folder, or comma-separated paths.');
  const files: string[] = [];
  for (const item of paths) {
    const path = resolve(cwd, item);
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new UsageError(`"${item}" does not exist. Pass image files, a folder, or comma-separated paths.`);
    if (info.isDirectory()) {
      const names = (await readdir(path, { withFileTypes: true }))
        .filter((entry) => entry.isFile() && imageExtensions.includes(extname(entry.name).toLowerCase()))
        .map((entry) => entry.name)
        .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
      files.push(...names.map((name) => join(path, name)));
    } else {
      files.push(path);
    }
  }
  if (files.length === 0) {
    throw new UsageError(`No image files (${imageExtensions.join(', ')}) found in ${paths.join(', ')}.`);
  }
  return Promise.all(
    files.map(async (path) => ({ name: basename(path), path, bytes: new Uint8Array(await readFile(path)) })),
  );
}
