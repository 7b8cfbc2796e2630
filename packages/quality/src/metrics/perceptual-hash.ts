import { ValidationError } from '@model-studio/core';
import { defaultMaxPixels } from '../engine/decode-image.js';
import { loadSharp } from '../engine/load-sharp.js';

/**
 * 64-bit difference hash (dHash) of an image, as 16 hex digits: the image (EXIF-oriented, greyscale) is shrunk to
 * 9x8 and each bit says whether a pixel is brighter than its right neighbour. Robust to resizing, re-compression and
 * small colour changes; near-identical images differ in a few bits.
 */
export async function perceptualHash(bytes: Uint8Array): Promise<string> {
  const sharp = await loadSharp();
  let data: Buffer;
  try {
    data = await sharp(bytes, { limitInputPixels: defaultMaxPixels })
      .rotate()
      .greyscale()
      .resize(9, 8, { fit: 'fill', kernel: 'cubic' })
      .raw()
      .toBuffer();
  } catch (error) {
    throw new ValidationError(
      `Cannot hash the image: it could not be decoded (${error instanceof Error ? error.message.trim() : String(error)}).`,
      { field: 'bytes', cause: error },
    );
  }
  let hash = 0n;
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      hash = (hash << 1n) | (data[y * 9 + x]! > data[y * 9 + x + 1]! ? 1n : 0n);
    }
  }
  return hash.toString(16).padStart(16, '0');
}

/** Number of differing bits between two hashes from {@link perceptualHash}. */
export function hammingDistance(a: string, b: string): number {
  let diff = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let count = 0;
  while (diff > 0n) {
    count += Number(diff & 1n);
    diff >>= 1n;
  }
  return count;
}

/** Options of {@link findNearDuplicates}. */
export interface NearDuplicateOptions {
  /**
   * Images whose hashes differ in at most this many of 64 bits are near-duplicates.
   * @default 10
   */
  threshold?: number;
}

/** A set of images that are near-duplicates of each other (linked by pairs within the threshold). */
export interface NearDuplicateGroup {
  ids: string[];
  /** The largest distance between linked pairs in the group. */
  maxDistance: number;
}

/**
 * Groups near-duplicate images (by {@link perceptualHash} and Hamming distance): each group holds two or more ids;
 * images with no near-duplicate are left out.
 *
 * @example
 * ```ts
 * const groups = await findNearDuplicates([{ id: 'a.jpg', bytes: a }, { id: 'b.jpg', bytes: b }]);
 * ```
 */
export async function findNearDuplicates(
  images: ReadonlyArray<{ id: string; bytes?: Uint8Array; hash?: string }>,
  options: NearDuplicateOptions = {},
): Promise<NearDuplicateGroup[]> {
  const threshold = options.threshold ?? 10;
  const hashes: string[] = [];
  for (const image of images) {
    if (image.hash) hashes.push(image.hash);
    else if (image.bytes) hashes.push(await perceptualHash(image.bytes));
    else throw new ValidationError(`Image "${image.id}" needs bytes or a hash.`, { field: 'images', value: image.id });
  }
  const parent = images.map((_, i) => i);
  const find = (i: number): number => {
    let root = i;
    while (parent[root] !== root) root = parent[root]!;
    return root;
  };
  const maxByRoot = new Map<number, number>();
  const links: Array<[number, number, number]> = [];
  for (let i = 0; i < images.length; i++) {
    for (let j = i + 1; j < images.length; j++) {
      const d = hammingDistance(hashes[i]!, hashes[j]!);
      if (d <= threshold) {
        parent[find(i)] = find(j);
        links.push([i, j, d]);
      }
    }
  }
  for (const [i, , d] of links) {
    const root = find(i);
    maxByRoot.set(root, Math.max(maxByRoot.get(root) ?? 0, d));
  }
  const groups = new Map<number, string[]>();
  images.forEach((image, i) => {
    const root = find(i);
    if (maxByRoot.has(root)) groups.set(root, [...(groups.get(root) ?? []), image.id]);
  });
  return [...groups.entries()].map(([root, ids]) => ({ ids, maxDistance: maxByRoot.get(root) ?? 0 }));
}
