import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { NotFoundError } from '../errors/index.js';
import type { Storage } from '../interfaces/storage.js';
import { readAll } from '../orchestrator/read-all.js';

/**
 * A prototype tree to import from: a local folder (the prototype's `models/` folder or one model's folder) or an S3
 * bucket the prototype uploaded to. Paths are relative and `/`-separated.
 */
export interface PrototypeFiles {
  /** Where it is, for messages: a folder path or `s3://bucket/prefix`. */
  readonly description: string;
  /** Every file, as relative paths. */
  list(signal?: AbortSignal): Promise<string[]>;
  /** A file's bytes. */
  read(path: string, signal?: AbortSignal): Promise<Uint8Array>;
}

/**
 * The prototype tree in a local folder. Throws a `NotFoundError` (on first use) when the folder does not exist.
 *
 * @example
 * ```ts no-run
 * const results = await studio.importPrototype(prototypeFolder('../ai/models'), { model: 'sar' });
 * ```
 */
export function prototypeFolder(dir: string): PrototypeFiles {
  const root = resolve(dir);
  return {
    description: root,
    async list() {
      const info = await stat(root).catch(() => undefined);
      if (!info?.isDirectory()) {
        throw new NotFoundError(
          `Prototype folder ${root} does not exist (or is not a folder): give the prototype's models/ folder or one model's folder.`,
          {
            kind: 'prototype folder',
            name: root,
          },
        );
      }
      const entries = await readdir(root, { recursive: true, withFileTypes: true });
      return entries
        .filter((entry) => entry.isFile())
        .map((entry) => join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name))
        .map((path) =>
          path
            .slice(root.length + 1)
            .split(sep)
            .join('/'),
        )
        .sort();
    },
    async read(path) {
      return new Uint8Array(await readFile(join(root, ...path.split('/'))));
    },
  };
}

/**
 * The prototype tree in a storage, e.g. an `S3Storage` on the prototype's bucket (`<model>-workflow-<epoch>`), under an
 * optional key prefix.
 *
 * @example
 * ```ts no-run
 * const bucket = new S3Storage({ bucket: 'sar-workflow-1761724503', region: 'us-east-2' });
 * await studio.importPrototype(prototypeStorage(bucket, { description: 's3://sar-workflow-1761724503' }), { model: 'sar' });
 * ```
 */
export function prototypeStorage(
  storage: Storage,
  options: { prefix?: string; description?: string } = {},
): PrototypeFiles {
  const prefix = options.prefix ? `${options.prefix.replace(/^\/+|\/+$/g, '')}/` : '';
  return {
    description: options.description ?? `storage ${prefix || '/'}`,
    async list(signal) {
      const paths: string[] = [];
      for await (const object of storage.list({ prefix, ...(signal && { signal }) })) {
        paths.push(object.key.slice(prefix.length));
      }
      return paths.sort();
    },
    async read(path, signal) {
      // The storage's own typed errors (NotFoundError, StorageError) say what failed.
      return readAll(await storage.get(`${prefix}${path}`, signal ? { signal } : {}));
    },
  };
}
