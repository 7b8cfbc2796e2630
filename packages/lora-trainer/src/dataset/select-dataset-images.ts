import type { DatasetCandidate, SelectionDecision } from './dataset-candidate.js';
import { hammingDistance } from './hamming-distance.js';

/** Options for {@link selectDatasetImages}. */
export interface SelectDatasetImagesOptions {
  /** An image is kept when its score is above this. @default 0.6 */
  scoreThreshold?: number;
  /** Two images whose perceptual hashes differ by this many bits or fewer are near-duplicates. @default 6 */
  duplicateDistance?: number;
  /** Keep captions a person has not reviewed yet (`generated`). @default false */
  allowUnreviewed?: boolean;
}

function firstProblem(
  candidate: DatasetCandidate,
  threshold: number,
  allowUnreviewed: boolean,
): SelectionDecision | undefined {
  const base = { name: candidate.name, key: candidate.key, selected: false };
  if (/\.webp$/i.test(candidate.name)) {
    return { ...base, reason: 'webp-not-supported', detail: 'webp images break SimpleTuner: convert to JPEG or PNG' };
  }
  if (candidate.score === undefined)
    return { ...base, reason: 'score-missing', detail: 'no training score: score it first' };
  if (!(candidate.score > threshold)) {
    return {
      ...base,
      reason: 'score-below-threshold',
      detail: `score ${candidate.score} is not above the threshold ${threshold}`,
    };
  }
  if (!candidate.identity) {
    return { ...base, reason: 'identity-unknown', detail: "the face was not checked against the source's identity" };
  }
  if (!candidate.identity.samePerson) {
    const distance = candidate.identity.distance === undefined ? '' : ` (distance ${candidate.identity.distance})`;
    return { ...base, reason: 'not-same-person', detail: `the face is not the source's identity${distance}` };
  }
  const text = candidate.caption?.text.trim() ?? '';
  if (text === '') return { ...base, reason: 'caption-missing', detail: 'no caption: caption it first' };
  if (candidate.caption?.state === 'generated' && !allowUnreviewed) {
    return {
      ...base,
      reason: 'caption-not-reviewed',
      detail: 'the caption was not reviewed: review it, or pass allowUnreviewed',
    };
  }
  return undefined;
}

/**
 * Decides which enhanced results go into a dataset, each decision with its reason: score above the threshold, the
 * source's identity, a caption that is present and reviewed (or `allowUnreviewed`), no webp, and no near-duplicates
 * (of a group of near-duplicates the highest-scored image is kept). Decisions come back in the input order.
 */
export function selectDatasetImages(
  candidates: readonly DatasetCandidate[],
  options: SelectDatasetImagesOptions = {},
): SelectionDecision[] {
  const { scoreThreshold = 0.6, duplicateDistance = 6, allowUnreviewed = false } = options;
  const decisions = new Map<DatasetCandidate, SelectionDecision>();
  const passing: DatasetCandidate[] = [];
  for (const candidate of candidates) {
    const problem = firstProblem(candidate, scoreThreshold, allowUnreviewed);
    if (problem) decisions.set(candidate, problem);
    else passing.push(candidate);
  }
  passing.sort((a, b) => (b.score ?? 0) - (a.score ?? 0) || a.name.localeCompare(b.name));
  const kept: DatasetCandidate[] = [];
  for (const candidate of passing) {
    const hash = candidate.perceptualHash;
    const twin =
      hash === undefined
        ? undefined
        : kept.find(
            (other) =>
              other.perceptualHash !== undefined && hammingDistance(hash, other.perceptualHash) <= duplicateDistance,
          );
    if (twin) {
      decisions.set(candidate, {
        name: candidate.name,
        key: candidate.key,
        selected: false,
        reason: 'near-duplicate',
        detail: `near-duplicate of ${twin.name} (which scored ${twin.score})`,
        duplicateOf: twin.name,
      });
      continue;
    }
    kept.push(candidate);
    const detail = `score ${candidate.score} > ${scoreThreshold}, same person, caption ${candidate.caption?.state}`;
    decisions.set(candidate, { name: candidate.name, key: candidate.key, selected: true, reason: 'selected', detail });
  }
  return candidates.map((candidate) => decisions.get(candidate) as SelectionDecision);
}
