import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ModelStudioError } from '../../errors/index.js';
import type { Storage } from '../../interfaces/storage.js';
import { storageKeys } from '../../naming/index.js';
import { readJson, writeJson } from '../../workspace/storage-json.js';
import { readAll } from '../read-all.js';

/** The fingerprints of one stored photo, as `models/<model>/photo-index.json` keeps them. */
export interface PhotoFingerprint {
  /** The storage key of the stored (normalised) photo. */
  key: string;
  /** sha256 (hex) of the stored bytes. */
  sha256: string;
  /** sha256 (hex) of the file as it was given, when it was imported with this index (not for rebuilt entries). */
  originalSha256?: string;
  /** Perceptual hash of the stored bytes, from the image processor named in `phashBy`. */
  phash?: string;
  /** The image processor (`provider`) that computed `phash`: hashes of different processors are not comparable. */
  phashBy?: string;
}

/** The photos of one group (a model's sources, or its targets of one rating), and whether the file needs writing. */
export interface PhotoGroup {
  /** The group's key prefix (`models/<m>/source/` or `models/<m>/targets/<rating>/`). */
  prefix: string;
  photos: PhotoFingerprint[];
  /** Entries were added, rebuilt or completed since the file was read. */
  changed: boolean;
}

const fingerprintSchema = z.object({
  key: z.string(),
  sha256: z.string(),
  originalSha256: z.string().optional(),
  phash: z.string().optional(),
  phashBy: z.string().optional(),
});
const indexSchema = z.object({ version: z.literal(1), photos: z.array(fingerprintSchema) });

/** sha256 of `bytes`, as hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The index's entries, or none when the file is missing, unreadable or from an unknown version (it is rebuilt). */
async function readIndex(storage: Storage, model: string, signal?: AbortSignal): Promise<PhotoFingerprint[]> {
  try {
    const parsed = indexSchema.safeParse(await readJson(storage, storageKeys.photoIndex(model), { signal }));
    return parsed.success ? (parsed.data.photos as PhotoFingerprint[]) : [];
  } catch (error) {
    // A damaged index is only a cache: rebuild it from the stored photos rather than block the import.
    if (signal?.aborted || !ModelStudioError.isInstance(error) || error.code !== 'validation') throw error;
    return [];
  }
}

/**
 * The fingerprints of the photos stored under `keys` (one group). Entries of the index whose photo no longer exists
 * are dropped; stored photos the index does not know (workspaces older than the index, or an index lost or damaged)
 * are read and hashed again.
 */
export async function loadPhotoGroup(
  storage: Storage,
  model: string,
  group: { prefix: string; keys: readonly string[] },
  signal?: AbortSignal,
): Promise<PhotoGroup> {
  const known = new Map((await readIndex(storage, model, signal)).map((entry) => [entry.key, entry]));
  const photos: PhotoFingerprint[] = [];
  let changed = false;
  for (const key of group.keys) {
    const entry = known.get(key);
    if (entry) {
      photos.push(entry);
      continue;
    }
    const bytes = await readAll(await storage.get(key, { signal }));
    photos.push({ key, sha256: sha256Hex(bytes) });
    changed = true;
  }
  const dropped = [...known.keys()].some((key) => key.startsWith(group.prefix) && !group.keys.includes(key));
  return { prefix: group.prefix, photos, changed: changed || dropped };
}

/**
 * Writes the group's entries into the index, keeping the other groups' entries as the file has them now (the file is
 * read again first, so an import of another group in the meantime is not lost).
 */
export async function savePhotoGroup(
  storage: Storage,
  model: string,
  group: PhotoGroup,
  signal?: AbortSignal,
): Promise<void> {
  const others = (await readIndex(storage, model, signal)).filter((entry) => !entry.key.startsWith(group.prefix));
  const photos = [...others, ...group.photos].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  await writeJson(storage, storageKeys.photoIndex(model), { version: 1, photos }, { signal });
  group.changed = false;
}
