import { createHash } from 'node:crypto';
import { type CallOptions, type Storage, StorageError, storageKeys } from '@model-studio/core';
import { pack as tarPack } from 'tar-stream';

/** The archive's file name inside `datasets/<version>/`. */
export const datasetArchiveName = 'dataset.tar';

/** Storage key of a dataset version's archive: `models/<model>/datasets/<version>/dataset.tar`. */
export function datasetArchiveKey(model: string, version: string): string {
  return storageKeys.dataset(model, version, datasetArchiveName);
}

/** What {@link DatasetArchiveWriter.finish} reports. */
export interface DatasetArchiveInfo {
  /** Storage key of the archive. */
  key: string;
  /** Size in bytes. */
  size: number;
  /** sha256 of the archive, hex. */
  sha256: string;
  /** Paths inside the archive, in order. */
  files: string[];
}

/** Writes a dataset archive entry by entry, streaming it into storage as it goes. */
export interface DatasetArchiveWriter {
  /** Adds one file; resolves once storage has taken its bytes (backpressure), so memory stays bounded. */
  add(path: string, bytes: Uint8Array): Promise<void>;
  /** Ends the archive and waits until storage has it. */
  finish(): Promise<DatasetArchiveInfo>;
  /** Stops writing; the partial archive is not kept (storage writes are atomic where the backend allows). */
  abort(reason?: unknown): void;
}

/**
 * Opens the upload archive of a dataset version: **one POSIX tar (ustar, pax for long names), uncompressed**,
 * `datasets/<version>/dataset.tar`, written with tar-stream and streamed into storage while it is built (JPEG and
 * PNG do not compress further, and every training machine has `tar`). The pod downloads it from a signed GET URL and
 * runs `tar -xf dataset.tar -C /workspace/dataset`; inside are paths relative to the dataset version:
 *
 * ```
 * simpletuner/images/<name>.jpg        the selected images
 * simpletuner/images/<name>.txt        their captions (one line; caption_strategy "textfile")
 * simpletuner/multidatabackend.json    instance_data_dir = <remoteRoot>/simpletuner/images
 * ```
 *
 * The kohya layout and `manifest.json` stay in storage beside the archive (they are not needed on the pod).
 */
export function openDatasetArchive(storage: Storage, key: string, options: CallOptions = {}): DatasetArchiveWriter {
  const tar = tarPack();
  const hash = createHash('sha256');
  const files: string[] = [];
  const iterator = (tar as unknown as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await iterator.next();
        if (next.done) {
          controller.close();
          return;
        }
        hash.update(next.value);
        controller.enqueue(next.value);
      },
      cancel(reason) {
        tar.destroy(reason instanceof Error ? reason : undefined);
      },
    },
    { highWaterMark: 0 },
  );
  const stored = storage.put(key, body, { contentType: 'application/x-tar', signal: options.signal });
  let storeFailure: unknown;
  const failed = stored.then(
    () => new Promise<never>(() => {}),
    (error: unknown) => {
      storeFailure = error;
      throw error;
    },
  );
  failed.catch(() => {});
  const mtime = new Date(0);
  return {
    async add(path, bytes) {
      if (storeFailure) throw storeFailure;
      files.push(path);
      const written = new Promise<void>((resolve, reject) => {
        tar.entry(
          { name: path, size: bytes.byteLength, mode: 0o644, mtime },
          Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
          (error) => (error ? reject(error) : resolve()),
        );
      });
      await Promise.race([written, failed]);
    },
    async finish() {
      tar.finalize();
      const info = await stored.catch((error: unknown) => {
        throw StorageError.isInstance(error)
          ? error
          : new StorageError(`Could not write the dataset archive ${key}: check the storage and retry.`, {
              cause: error,
              operation: 'put',
              key,
            });
      });
      return { key, size: info.size, sha256: hash.digest('hex'), files };
    },
    abort(reason) {
      tar.destroy(reason instanceof Error ? reason : new Error('dataset archive aborted'));
    },
  };
}
