import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the monorepo root. */
export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** A workspace package: its folder and package.json. */
export interface WorkspacePackage {
  dir: string;
  manifest: { name: string; private?: boolean; exports?: Record<string, unknown>; [key: string]: unknown };
}

/** Every workspace package under packages/, examples/ and tests/. */
export function workspacePackages(): WorkspacePackage[] {
  return ['packages', 'examples', 'tests'].flatMap((group) =>
    readdirSync(join(repoRoot, group), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => {
        const dir = join(repoRoot, group, entry.name);
        return { dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) };
      }),
  );
}

/** The packages that are published to npm (not private). */
export function publishedPackages(): WorkspacePackage[] {
  return workspacePackages().filter((pkg) => !pkg.manifest.private);
}
