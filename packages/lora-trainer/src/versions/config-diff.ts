/** A config key whose value differs between two versions. */
export interface ConfigDifference {
  /** The key; nested keys of an ai-toolkit config are dotted (`config.process.0.network.linear`). */
  key: string;
  a: unknown;
  b: unknown;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Nested objects (and the one-process list of an ai-toolkit job) as dotted keys; other arrays stay values. */
function flatten(
  value: Record<string, unknown>,
  prefix = '',
  out: Record<string, unknown> = {},
): Record<string, unknown> {
  for (const [key, item] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isPlainObject(item)) flatten(item, path, out);
    else if (key === 'process' && Array.isArray(item) && item.length === 1 && isPlainObject(item[0]))
      flatten(item[0], `${path}.0`, out);
    else out[path] = item;
  }
  return out;
}

/**
 * Keys whose values differ (compared as JSON), sorted by key; a missing key is `undefined`. Nested objects are compared
 * key by key (dotted), so two ai-toolkit configs show `config.process.0.network.linear` rather than the whole job.
 */
export function diffConfigs(a: Record<string, unknown>, b: Record<string, unknown>): ConfigDifference[] {
  const flatA = flatten(a);
  const flatB = flatten(b);
  const keys = [...new Set([...Object.keys(flatA), ...Object.keys(flatB)])].sort();
  return keys
    .filter((key) => JSON.stringify(flatA[key]) !== JSON.stringify(flatB[key]))
    .map((key) => ({ key, a: flatA[key], b: flatB[key] }));
}
