import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** One file the first page loads, with its raw and gzip sizes in bytes. */
export interface SizedFile {
  file: string;
  bytes: number;
  gzipBytes: number;
}

/** Gzip (level 9, as a static server would precompress) sizes of files of the built dashboard. */
export function sizeFiles(dist: string, files: Iterable<string>): SizedFile[] {
  return [...new Set(files)].sort().map((file) => {
    const bytes = readFileSync(join(dist, file));
    return { file, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
  });
}

/** The JS and CSS `index.html` loads before anything runs: entry script, module preloads, style sheets. */
export function entryFiles(dist: string): string[] {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const files: string[] = [];
  for (const match of html.matchAll(/<(?:script|link)\b[^>]*?(?:src|href)="\/([^"]+\.(?:js|css))"/g)) {
    if (match[1]) files.push(match[1]);
  }
  return files;
}
