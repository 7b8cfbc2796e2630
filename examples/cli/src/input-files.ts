import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { UsageError } from './usage-error.js';

/** An image file to import: its original name and bytes (core's `ImportInput` shape) and where it was read. */
export interface InputFile {
  name: string;
  bytes: Uint8Array;
  path: string;
}

/** A file of a folder that is not imported, and why (its name says it is not an image). */
export interface SkippedFile {
  name: string;
  path: string;
  reason: { code: 'not-an-image'; message: string };
}

/** Every file of what a person named: the ones to import, the ones skipped with a reason, and hidden files ignored. */
export interface InputSelection {
  files: InputFile[];
  /** Files of folders whose name is not an image's (`notes.txt`, `clip.mov`): listed, never read. */
  skipped: SkippedFile[];
  /** Hidden files of folders (`.DS_Store`, `._IMG_1.jpg`), ignored without a line each. */
  hidden: string[];
}

/**
 * File extensions read from folders: the accepted formats and other image formats, so that the library says why it
 * refuses a GIF, an SVG or a HEIC photo instead of the file silently not being there. Single files are read whatever
 * their name, and checked by content.
 */
export const imageExtensions = [
  '.jpg',
  '.jpeg',
  '.jfif',
  '.png',
  '.webp',
  '.gif',
  '.svg',
  '.heic',
  '.heif',
  '.avif',
  '.tif',
  '.tiff',
  '.bmp',
];

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
 * Expands paths (files or folders; folders give their files in name order, not recursive) and reads the image files.
 * Every file of a folder is accounted for: images are read, other files are {@link InputSelection.skipped} with a
 * reason, hidden files are counted in {@link InputSelection.hidden}. Throws a {@link UsageError} naming a path that
 * does not exist, or when nothing can be imported.
 */
export async function collectInputFiles(
  specs: readonly string[],
  cwd: string = process.cwd(),
): Promise<InputSelection> {
  const paths = splitPathList(specs);
  if (paths.length === 0)
    throw new UsageError('No photos given: pass image files, a folder, or comma-separated paths.');
  const files: string[] = [];
  const skipped: SkippedFile[] = [];
  const hidden: string[] = [];
  for (const item of paths) {
    const path = resolve(cwd, item);
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new UsageError(`"${item}" does not exist. Pass image files, a folder, or comma-separated paths.`);
    if (!info.isDirectory()) {
      files.push(path);
      continue;
    }
    const names = (await readdir(path, { withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name)
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    for (const name of names) {
      if (name.startsWith('.')) hidden.push(join(path, name));
      else if (imageExtensions.includes(extname(name).toLowerCase())) files.push(join(path, name));
      else skipped.push(skippedFile(join(path, name)));
    }
  }
  if (files.length === 0) {
    const other = skipped.length + hidden.length;
    throw new UsageError(
      `No image files (${imageExtensions.join(', ')}) found in ${paths.join(', ')}${other > 0 ? ` (${other} other file(s) skipped)` : ''}.`,
    );
  }
  const read = await Promise.all(
    files.map(async (path) => ({ name: basename(path), path, bytes: new Uint8Array(await readFile(path)) })),
  );
  return { files: read, skipped, hidden };
}

function skippedFile(path: string): SkippedFile {
  const extension = extname(path);
  const what = extension ? `a ${extension.slice(1)} file` : 'a file without an extension';
  return {
    name: basename(path),
    path,
    reason: { code: 'not-an-image', message: `skipped: ${what}, not a photo (nothing was read from it)` },
  };
}

/** The image files of {@link collectInputFiles}, without the skipped ones. */
export async function readInputFiles(specs: readonly string[], cwd: string = process.cwd()): Promise<InputFile[]> {
  return (await collectInputFiles(specs, cwd)).files;
}
