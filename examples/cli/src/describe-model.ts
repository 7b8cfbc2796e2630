import type { ModelOverview } from '@model-studio/core';

/** `andie: 2 sources, targets sfw 5, results sfw 10, consent: sfw` */
export function describeModel(overview: ModelOverview): string {
  const perRating = (counts: Record<string, number>) =>
    Object.entries(counts)
      .map(([rating, count]) => `${rating} ${count}`)
      .join(', ') || '0';
  const consent =
    overview.consent === 'recorded'
      ? `consent for ${overview.allowedRatings.join(', ')}`
      : overview.consent === 'revoked'
        ? 'consent REVOKED'
        : 'no consent recorded';
  return `${overview.name}: ${overview.sources} source(s), targets ${perRating(overview.targets)}, results ${perRating(overview.results)}; ${consent}`;
}
