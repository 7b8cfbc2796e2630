/** A config key whose value differs between two versions. */
export interface ConfigDifference {
  key: string;
  a: unknown;
  b: unknown;
}

/** Keys whose values differ (compared as JSON), sorted by key; a missing key is `undefined`. */
export function diffConfigs(a: Record<string, unknown>, b: Record<string, unknown>): ConfigDifference[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys
    .filter((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key]))
    .map((key) => ({ key, a: a[key], b: b[key] }));
}
