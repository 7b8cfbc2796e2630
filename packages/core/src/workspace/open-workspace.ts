import path from 'node:path';
import { ValidationError } from '../errors/index.js';
import type { Storage } from '../interfaces/storage.js';
import { LocalStorage } from '../storage/local-storage.js';
import { makeDirectory } from '../storage/make-directory.js';
import { readModelRegistry } from './model-registry.js';
import { Workspace } from './workspace.js';

/** Options for {@link openWorkspace}. */
export interface OpenWorkspaceOptions {
  /** The local workspace folder (created if missing). Journals and ledgers always live here. */
  root: string;
  /**
   * Where models.json, configs, photos and results are stored.
   * @default new LocalStorage({ root }) (closed by `Workspace.close`)
   */
  storage?: Storage;
  /** Extra storages results are copied to, e.g. S3. `deleteModel` deletes from them too. @default [] */
  mirrors?: Storage[];
  /** The time source for createdAt/updatedAt/revokedAt; inject one in tests. @default () => new Date() */
  clock?: () => Date;
}

/**
 * Opens (creating the folder if needed) a workspace and checks that its `models.json`, if any, is readable.
 * Throws a `ValidationError` for a corrupt registry (naming the file and field), and a `StorageError` naming the path
 * and why when the folder cannot be created or is not a folder (a path under a file, in `/proc`, on a read-only disk).
 *
 * @example
 * ```ts
 * const ws = await openWorkspace({ root: './studio' });
 * const config = await ws.createModel('andie');
 * await ws.close();
 * ```
 */
export async function openWorkspace(options: OpenWorkspaceOptions): Promise<Workspace> {
  if (typeof options?.root !== 'string' || options.root === '') {
    throw new ValidationError('openWorkspace needs a root folder, e.g. openWorkspace({ root: "./studio" }).', {
      field: 'root',
    });
  }
  const root = path.resolve(options.root);
  await makeDirectory(root, 'the workspace folder');
  const owned = options.storage ? undefined : new LocalStorage({ root });
  const storage = options.storage ?? (owned as LocalStorage);
  try {
    await readModelRegistry(storage);
  } catch (error) {
    await owned?.close();
    throw error;
  }
  return new Workspace({
    root,
    storage,
    mirrors: options.mirrors ?? [],
    clock: options.clock ?? (() => new Date()),
    owned,
  });
}
