import { ModelStudioError } from '../../errors/index.js';
import type { ImageProcessor } from '../../interfaces/image-processor.js';
import type { Storage } from '../../interfaces/storage.js';
import { readAll } from '../read-all.js';
import type { PhotoGroup } from './photo-index.js';

/** A file refused earlier in the same import: its original name and its hashes. */
interface RefusedPhoto {
  label: string;
  sha256s: string[];
}

/**
 * A photo an import file repeats: the name to show (the stored name, or the original name of a file refused earlier in
 * the import), whether it is stored, and for a near-duplicate how many bits the hashes differ in.
 */
export interface DuplicateMatch {
  label: string;
  stored: boolean;
  distance?: number;
}

/** Number of differing bits between two hex hashes of the same length; infinite when they cannot be compared. */
export function hammingDistance(a: string, b: string): number {
  if (a.length !== b.length || !/^[0-9a-f]*$/i.test(a) || !/^[0-9a-f]*$/i.test(b)) return Number.POSITIVE_INFINITY;
  let bits = 0;
  for (let i = 0; i < a.length; i += 7) {
    let diff = Number.parseInt(a.slice(i, i + 7), 16) ^ Number.parseInt(b.slice(i, i + 7), 16);
    while (diff !== 0) {
      bits += diff & 1;
      diff >>>= 1;
    }
  }
  return bits;
}

/** The stored file name of a key (`models/m/source/m-source-2.jpg` → `m-source-2.jpg`). */
export const storedName = (key: string): string => key.slice(key.lastIndexOf('/') + 1);

/**
 * Finds exact duplicates (sha256 of the given or the normalised bytes) and near-duplicates (perceptual hash) of a
 * file among a group's stored photos (including those accepted earlier in the same import: they join the group) and,
 * for exact duplicates, the files refused earlier in the import.
 */
export class DuplicateCheck {
  readonly #group: PhotoGroup;
  readonly #storage: Storage;
  readonly #processor: ImageProcessor;
  readonly #refused: RefusedPhoto[] = [];
  #hashesComplete = false;

  constructor(group: PhotoGroup, storage: Storage, processor: ImageProcessor) {
    this.#group = group;
    this.#storage = storage;
    this.#processor = processor;
  }

  /** Whether near-duplicates can be found (the image processor has `perceptualHash`). */
  get perceptual(): boolean {
    return typeof this.#processor.perceptualHash === 'function';
  }

  /** The stored photo or earlier file with one of these sha256s. */
  exact(sha256s: readonly string[]): DuplicateMatch | undefined {
    for (const photo of this.#group.photos) {
      if (sha256s.includes(photo.sha256) || (photo.originalSha256 && sha256s.includes(photo.originalSha256))) {
        return { label: storedName(photo.key), stored: true };
      }
    }
    const earlier = this.#refused.find((photo) => photo.sha256s.some((sha) => sha256s.includes(sha)));
    return earlier && { label: earlier.label, stored: false };
  }

  /** The perceptual hash of normalised bytes, when the processor has one. */
  async hash(bytes: Uint8Array, signal?: AbortSignal): Promise<string | undefined> {
    return this.#processor.perceptualHash?.(bytes, { signal });
  }

  /** The closest stored photo whose hash differs from `phash` in at most `maxDistance` bits. */
  async near(phash: string, maxDistance: number, signal?: AbortSignal): Promise<DuplicateMatch | undefined> {
    await this.#completeHashes(signal);
    const provider = this.#processor.provider;
    let best: DuplicateMatch | undefined;
    for (const photo of this.#group.photos) {
      if (photo.phash === undefined || photo.phashBy !== provider) continue;
      const distance = hammingDistance(phash, photo.phash);
      if (distance <= maxDistance && (best?.distance === undefined || distance < best.distance)) {
        best = { label: storedName(photo.key), stored: true, distance };
      }
    }
    return best;
  }

  /** Remembers a file refused in this import, so later files that repeat it are refused as its duplicates. */
  rememberRefused(label: string, sha256s: string[]): void {
    this.#refused.push({ label, sha256s });
  }

  /** Hashes stored photos the index has no hash of this processor for (older workspaces), once per import. */
  async #completeHashes(signal?: AbortSignal): Promise<void> {
    if (this.#hashesComplete || !this.perceptual) return;
    const provider = this.#processor.provider;
    for (const photo of this.#group.photos) {
      if (photo.phash !== undefined && photo.phashBy === provider) continue;
      const bytes = await readAll(await this.#storage.get(photo.key, { signal }));
      try {
        photo.phash = await this.#processor.perceptualHash!(bytes, { signal });
        photo.phashBy = provider;
        this.#group.changed = true;
      } catch (error) {
        // A stored photo this processor cannot read is left out of the comparison rather than failing the import.
        if (signal?.aborted || !ModelStudioError.isInstance(error) || error.code !== 'validation') throw error;
      }
    }
    this.#hashesComplete = true;
  }
}
