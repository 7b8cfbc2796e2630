// The pending release plan, as `pnpm changeset status` shows it, says what the changesets say: no package goes to a
// new major unless a changeset asks for one, and every published package is released together (the `fixed` group).
// It went wrong once: changesets bumps a package whose peer range on @model-studio/core the next core leaves to a
// major, so a minor core took every adapter from 0.1.0 to 1.0.0. See "Releasing" in the root README.
import { readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { publishedPackages, repoRoot, workspacePackages } from './helpers/repo.js';

type BumpType = 'none' | 'patch' | 'minor' | 'major';

/** What `changeset status --output` writes. */
interface ReleasePlan {
  changesets: { id: string; releases: { name: string; type: BumpType }[] }[];
  releases: { name: string; type: BumpType; oldVersion: string; newVersion: string; changesets: string[] }[];
}

/** The semver functions this test needs. */
interface Semver {
  satisfies(version: string, range: string): boolean;
}

// The semver that changesets itself decides with (a dependency of @changesets/cli, the root devDependency).
const changesetsCli = realpathSync(join(repoRoot, 'node_modules', '@changesets', 'cli', 'package.json'));
const fromCli = createRequire(changesetsCli);
const semver = fromCli('semver') as Semver;
/** `@changesets/get-release-plan`: the plan `changeset status` prints, from the changeset files (no git needed). */
const getReleasePlan = (fromCli('@changesets/get-release-plan') as { default: (cwd: string) => Promise<unknown> })
  .default;

const config = JSON.parse(readFileSync(join(repoRoot, '.changeset', 'config.json'), 'utf8')) as { fixed: string[][] };

/** Whether a package name matches a changesets config pattern (`@model-studio/*`). */
function matches(pattern: string, name: string): boolean {
  const source = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'));
  return new RegExp(`^${source.join('.*')}$`).test(name);
}

/** Whether a changeset asks a major for the package, or for a package of its `fixed` group. */
function majorAsked(plan: ReleasePlan, name: string): boolean {
  const asked = plan.changesets.flatMap((changeset) =>
    changeset.releases.filter((release) => release.type === 'major').map((release) => release.name),
  );
  const group = config.fixed.find((patterns) => patterns.some((pattern) => matches(pattern, name))) ?? [];
  return asked.some((other) => other === name || group.some((pattern) => matches(pattern, other)));
}

/** The range a `workspace:` specifier becomes in the packed tarball (pnpm pack/publish), given the version then. */
function publishedRange(specifier: string, versionAtPublish: string): string {
  const range = specifier.replace(/^workspace:/, '');
  if (range === '*') return versionAtPublish;
  if (range === '^' || range === '~') return `${range}${versionAtPublish}`;
  return range;
}

describe('the pending release plan (changeset status)', () => {
  let plan: ReleasePlan;

  beforeAll(async () => {
    // What `changeset status` computes, read from the .changeset folder without git (a CI checkout may have no
    // `main` branch, or no history at all; status needs both to list changed packages, which is not checked here).
    plan = (await getReleasePlan(repoRoot)) as unknown as ReleasePlan;
  }, 60_000);

  it('plans a major release only for a package a changeset asks a major for (or its fixed group)', () => {
    const unasked = plan.releases
      .filter((release) => release.type === 'major' && !majorAsked(plan, release.name))
      .map((release) => `${release.name} ${release.oldVersion} -> ${release.newVersion}`);
    expect(
      unasked,
      'a major no changeset asks for: does a peer range on @model-studio/core exclude the next core version? ' +
        '(README, "Releasing")',
    ).toEqual([]);
  });

  it('releases every published package, at one version, when any of them has a pending changeset', () => {
    const published = publishedPackages().map((pkg) => pkg.manifest.name);
    const pending = plan.changesets.some((changeset) =>
      changeset.releases.some((release) => published.includes(release.name) && release.type !== 'none'),
    );
    const released = plan.releases.filter((release) => published.includes(release.name) && release.type !== 'none');
    if (!pending) {
      expect(released.map((release) => release.name)).toEqual([]);
      return;
    }
    expect(released.map((release) => release.name).sort()).toEqual([...published].sort());
    expect(new Set(released.map((release) => release.newVersion)).size, 'one version for the fixed group').toBe(1);
  });

  it('keeps every published peer range on a workspace package satisfied by its released version, below its next major', () => {
    const versions = new Map(workspacePackages().map((pkg) => [pkg.manifest.name, String(pkg.manifest.version)]));
    const planned = new Map(plan.releases.map((release) => [release.name, release.newVersion]));
    const checked: string[] = [];
    const broken: string[] = [];
    for (const pkg of publishedPackages()) {
      const peers = (pkg.manifest.peerDependencies ?? {}) as Record<string, string>;
      for (const [name, specifier] of Object.entries(peers)) {
        const current = versions.get(name);
        if (!current) continue;
        const next = planned.get(name) ?? current;
        const range = publishedRange(specifier, next);
        checked.push(`${pkg.manifest.name} -> ${name}`);
        // A major a changeset asks for may leave the range: `changeset version` then rewrites it to the new version.
        if (!semver.satisfies(next, range) && !majorAsked(plan, name))
          broken.push(
            `${pkg.manifest.name} would publish "${name}": "${range}", which ${name}@${next} does not satisfy`,
          );
        if (!semver.satisfies(current, publishedRange(specifier, current)))
          broken.push(`${pkg.manifest.name}'s "${specifier}" excludes the workspace's ${name}@${current}`);
        const nextMajor = `${Number(next.split('.')[0]) + 1}.0.0`;
        if (semver.satisfies(nextMajor, range))
          broken.push(`${pkg.manifest.name} would publish "${name}": "${range}", which admits ${nextMajor} too`);
      }
    }
    expect(checked.length, 'published packages with a peer on @model-studio/core').toBeGreaterThan(0);
    expect(broken).toEqual([]);
  });
});
