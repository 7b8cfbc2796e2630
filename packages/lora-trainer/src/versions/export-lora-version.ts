import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type CallOptions, type Storage, StorageError, storageKeys, ValidationError } from '@model-studio/core';
import { readLoraVersion } from './list-lora-versions.js';

/** Where {@link exportLoraVersion} puts the LoRA. */
export type LoraExportTarget = { to: 'url'; expiresIn?: number } | { to: 'file'; path: string };

/** What {@link exportLoraVersion} made. */
export type LoraExport =
  | { to: 'url'; url: string; expiresIn: number; sha256: string; size: number }
  | { to: 'file'; path: string; sha256: string; size: number };

/**
 * Exports a version's LoRA: a signed download URL (when the storage can sign; short-lived, 1 hour by default), or a
 * local copy written through a temporary file and checked against the recorded sha256.
 *
 * @throws NotFoundError for an unknown version; ValidationError when the storage cannot sign URLs;
 *   StorageError when the copy does not match the recorded hash.
 */
export async function exportLoraVersion(
  storage: Storage,
  model: string,
  version: string,
  target: LoraExportTarget,
  options: CallOptions = {},
): Promise<LoraExport> {
  const record = await readLoraVersion(storage, model, version, options);
  const key = storageKeys.lora(model, version, record.artifact.file);
  const { sha256, size } = record.artifact;
  if (target.to === 'url') {
    if (!storage.signedUrl) {
      throw new ValidationError(`The ${storage.provider} storage cannot sign URLs: export to a file instead.`, {
        field: 'target',
      });
    }
    const expiresIn = target.expiresIn ?? 3600;
    const url = await storage.signedUrl(key, { method: 'GET', expiresIn, signal: options.signal });
    return { to: 'url', url, expiresIn, sha256, size };
  }
  const path = resolve(target.path);
  const temporary = `${path}.part-${process.pid}`;
  await mkdir(dirname(path), { recursive: true });
  const hash = createHash('sha256');
  const hasher = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    const source = Readable.fromWeb(
      (await storage.get(key, options)) as import('node:stream/web').ReadableStream<Uint8Array>,
    );
    await pipeline(source, hasher, createWriteStream(temporary), { signal: options.signal });
    const actual = hash.digest('hex');
    if (actual !== sha256) {
      throw new StorageError(
        `The stored LoRA of ${model} ${version} does not match its recorded sha256: record the version again.`,
        {
          operation: 'get',
          key,
        },
      );
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return { to: 'file', path, sha256, size };
}
