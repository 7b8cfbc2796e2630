import { fileURLToPath } from 'node:url';

/**
 * The folder of bundled demo samples (`examples/cli/samples`, shipped in the package). Resolved from this module,
 * which sits one level below the package root both in `src/` and in the built `dist/`.
 */
export function samplesDir(): string {
  return fileURLToPath(new URL('../samples/', import.meta.url));
}
