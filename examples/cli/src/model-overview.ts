import { parseResultName, parseSourceName, parseTargetName, storageKeys, type Workspace } from '@model-studio/core';

/** Counts of a model's files and the state of its consent, for lists and menus. */
export interface ModelOverview {
  name: string;
  sources: number;
  /** Targets per rating. */
  targets: Record<string, number>;
  /** Enhanced results per rating. */
  results: Record<string, number>;
  consent: 'none' | 'revoked' | 'recorded';
  /** Ratings the consent record covers (empty when none or revoked). */
  allowedRatings: string[];
}

/** Reads a model's config and lists its files. */
export async function modelOverview(workspace: Workspace, name: string): Promise<ModelOverview> {
  const config = await workspace.getModel(name);
  const overview: ModelOverview = {
    name,
    sources: 0,
    targets: {},
    results: {},
    consent: !config.consent ? 'none' : config.consent.revokedAt ? 'revoked' : 'recorded',
    allowedRatings: config.consent && !config.consent.revokedAt ? [...config.consent.allowedRatings] : [],
  };
  const prefix = storageKeys.modelPrefix(name);
  for await (const object of workspace.storage.list({ prefix })) {
    const rest = object.key.slice(prefix.length);
    const file = rest.split('/').pop() ?? '';
    if (rest.startsWith('source/') && parseSourceName(file)) overview.sources += 1;
    else if (rest.startsWith('targets/')) {
      const target = parseTargetName(file);
      const rating = rest.split('/')[1];
      if (target && rating) overview.targets[rating] = (overview.targets[rating] ?? 0) + 1;
    } else if (rest.startsWith('results/')) {
      const result = parseResultName(file);
      if (result?.stage === 'enhanced') overview.results[result.rating] = (overview.results[result.rating] ?? 0) + 1;
    }
  }
  return overview;
}

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
