/** What an import says about one photo, as far as the size check goes. */
interface SizedResult {
  accepted: boolean;
  width?: number;
  height?: number;
  reason?: { code: string };
}

/**
 * When every photo of an import was refused as too small (`too-small`), the shortest side among them: the minimum
 * that would let them all in. `undefined` when any photo was accepted or refused for another reason (or its size is
 * unknown), since lowering the minimum would not help then.
 */
export function tooSmallShortSide(results: readonly SizedResult[]): number | undefined {
  if (results.length === 0) return undefined;
  let lowest = Number.POSITIVE_INFINITY;
  for (const result of results) {
    if (result.accepted || result.reason?.code !== 'too-small' || !result.width || !result.height) return undefined;
    lowest = Math.min(lowest, result.width, result.height);
  }
  return lowest;
}
