import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { publishedPackages } from './repo.js';

const run = promisify(execFile);

/** A published package packed to a tarball. */
export interface PackedTarball {
  /** The package name, e.g. `@model-studio/core`. */
  name: string;
  /** Its version in the workspace. */
  version: string;
  /** Absolute path of the `.tgz`. */
  tarball: string;
}

/** A fresh app folder outside the repository with every published package installed from its tarball. */
export interface PackedApp {
  /** The app folder (its package.json and node_modules). */
  dir: string;
  /** The tarballs installed into it. */
  tarballs: PackedTarball[];
  /** Removes the app and its tarballs. */
  close(): Promise<void>;
}

/** What to install besides the tarballs. */
export interface PackedAppOptions {
  /** Extra registry packages, `name@exact-version` (for example tsx to run TypeScript). */
  extraDependencies?: string[];
}

/**
 * Packs every published workspace package with `pnpm pack` (which turns `workspace:` ranges into versions), then
 * installs all the tarballs with npm into a new app folder under the OS temp dir, so their registry dependencies come
 * from the registry and nothing is linked from the workspace. Needs `pnpm build` first (the tarballs hold `dist/`).
 */
export async function createPackedApp(options: PackedAppOptions = {}): Promise<PackedApp> {
  const work = await mkdtemp(join(tmpdir(), 'studio-packed-'));
  try {
    const tarballs: PackedTarball[] = [];
    for (const pkg of publishedPackages()) {
      if (!existsSync(join(pkg.dir, 'dist'))) throw new Error(`${pkg.dir}/dist is missing: run "pnpm build" first`);
      const destination = join(work, 'tarballs', pkg.manifest.name.replace('/', '+'));
      await mkdir(destination, { recursive: true });
      await run('pnpm', ['pack', '--pack-destination', destination], { cwd: pkg.dir });
      const [file] = (await readdir(destination)).filter((name) => name.endsWith('.tgz'));
      if (!file) throw new Error(`pnpm pack wrote no tarball for ${pkg.manifest.name}`);
      tarballs.push({
        name: pkg.manifest.name,
        version: String(pkg.manifest.version),
        tarball: join(destination, file),
      });
    }
    const dir = join(work, 'app');
    await mkdir(dir);
    await writeFile(
      join(dir, 'package.json'),
      `${JSON.stringify({ name: 'packed-app', private: true, type: 'module' }, null, 2)}\n`,
    );
    // The lockfile records where each package came from (the test checks it), whatever the user's npm config says.
    const args = ['install', '--no-audit', '--no-fund', '--loglevel=error', '--omit-lockfile-registry-resolved=false'];
    await run('npm', [...args, ...tarballs.map((t) => t.tarball), ...(options.extraDependencies ?? [])], {
      cwd: dir,
      maxBuffer: 64 * 1024 * 1024,
      timeout: 600_000,
    });
    return { dir, tarballs, close: () => rm(work, { recursive: true, force: true }) };
  } catch (error) {
    await rm(work, { recursive: true, force: true });
    throw error;
  }
}
