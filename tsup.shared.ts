import type { Options } from 'tsup';

/** The build every package shares: ESM, d.ts, sourcemaps, one entry per exports-map subpath. */
export function packageBuild(entry: Record<string, string>, extra: Partial<Options> = {}): Options {
  return {
    entry,
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    platform: 'node',
    splitting: true,
    treeshake: true,
    ...extra,
  };
}
