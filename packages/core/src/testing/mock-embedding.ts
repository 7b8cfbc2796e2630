import { mulberry32 } from './mulberry32.js';

/** Length of the embeddings {@link mockEmbedding} makes. */
export const mockEmbeddingDimensions = 32;

/** FNV-1a, 32 bits, over the UTF-16 code units of `text`. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * The identity embedding the mock face checker gives every face of `identity`: a unit-length vector of
 * {@link mockEmbeddingDimensions} (32) numbers drawn from a generator seeded with the FNV-1a hash of the identity.
 * The same identity always gets the same vector (euclidean distance 0); two different identities get nearly
 * orthogonal vectors (distance around 1.41, far above the default identity threshold of 0.61).
 *
 * @example
 * ```ts no-run
 * const checker = createMockFaceChecker();
 * checker.distance(mockEmbedding('alice'), mockEmbedding('alice')); // 0
 * checker.distance(mockEmbedding('alice'), mockEmbedding('bob')); // ~1.4
 * ```
 */
export function mockEmbedding(identity: string): Float32Array {
  const random = mulberry32(fnv1a(identity));
  const values = Array.from({ length: mockEmbeddingDimensions }, () => random() * 2 - 1);
  const norm = Math.hypot(...values) || 1;
  return Float32Array.from(values, (value) => value / norm);
}
