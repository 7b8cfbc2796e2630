import { ValidationError } from '@model-studio/core';

const bitCounts = Array.from({ length: 16 }, (_, n) => (n & 1) + ((n >> 1) & 1) + ((n >> 2) & 1) + ((n >> 3) & 1));

/**
 * Number of differing bits between two perceptual hashes given as hex strings of the same length.
 *
 * @throws ValidationError when the hashes differ in length or are not hex.
 */
export function hammingDistance(a: string, b: string): number {
  if (a.length !== b.length || !/^[0-9a-f]*$/i.test(a) || !/^[0-9a-f]*$/i.test(b)) {
    throw new ValidationError(`Perceptual hashes must be hex strings of the same length ("${a}" vs "${b}").`, {
      field: 'perceptualHash',
    });
  }
  let distance = 0;
  for (let i = 0; i < a.length; i++) {
    distance += bitCounts[Number.parseInt(a[i] as string, 16) ^ Number.parseInt(b[i] as string, 16)] as number;
  }
  return distance;
}
