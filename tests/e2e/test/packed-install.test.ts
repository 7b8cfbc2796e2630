import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { lstat, readdir, realpath, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPackedApp, type PackedApp } from './helpers/create-packed-app.js';
import { readmeFirstTaste } from './helpers/readme-first-taste.js';
import { repoRoot } from './helpers/repo.js';

const run = promisify(execFile);

/** An exact version pinned in the repository's root devDependencies, as `name@version`. */
function pinnedDevDependency(name: string): string {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  return `${name}@${manifest.devDependencies[name]}`;
}

/** Every `node_modules` folder above `dir`: Node would resolve packages from them too. */
function ancestorNodeModules(dir: string): string[] {
  const found: string[] = [];
  for (let parent = dirname(dir); dirname(parent) !== parent; parent = dirname(parent))
    if (existsSync(join(parent, 'node_modules'))) found.push(join(parent, 'node_modules'));
  if (existsSync('/node_modules')) found.push('/node_modules');
  return found;
}

/** What package-lock.json records of an installed package. */
interface LockedPackage {
  resolved?: string;
  integrity?: string;
  link?: boolean;
}

/** The entries of an app's package-lock.json (every installed package, by its node_modules path). */
function lockedPackages(dir: string): [string, LockedPackage][] {
  const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8'));
  return Object.entries(lock.packages as Record<string, LockedPackage>).filter(([path]) => path);
}

// Runs on whatever Node runs vitest: this machine's Node 20 here, Node 22 and 24 from scripts/node-versions in CI.
describe(`packed packages installed outside the repository (Node ${process.versions.node})`, () => {
  let app: PackedApp;

  beforeAll(async () => {
    app = await createPackedApp({
      extraDependencies: ['tsx', 'typescript', '@types/node'].map(pinnedDevDependency),
    });
  }, 900_000);

  afterAll(async () => {
    await app?.close();
  });

  it('installs every published package from its tarball, into a folder Node cannot resolve the workspace from', async () => {
    expect(app.dir.startsWith(repoRoot)).toBe(false);
    expect(ancestorNodeModules(app.dir), 'node_modules above the app would leak packages into it').toEqual([]);
    expect(app.tarballs.map((t) => t.name)).toEqual(
      expect.arrayContaining(['@model-studio/core', '@model-studio/maxstudio', '@model-studio/quality']),
    );
    for (const { name, version } of app.tarballs) {
      const installed = join(app.dir, 'node_modules', name);
      expect((await lstat(installed)).isSymbolicLink(), `${name} is a link`).toBe(false);
      const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
      expect(manifest.version).toBe(version);
      expect(JSON.stringify(manifest), `${name} still has a workspace: range`).not.toContain('workspace:');
    }
  });

  it('takes every other dependency from the npm registry: no links, no folders, no workspace paths', async () => {
    const tarballs = new Set(app.tarballs.map((t) => t.name));
    const notFromRegistry = lockedPackages(app.dir)
      .filter(([path]) => !tarballs.has(path.replace(/^node_modules\//, '')))
      .filter(([, entry]) => entry.link || !entry.integrity || !/^https:\/\//.test(entry.resolved ?? ''))
      .map(([path, entry]) => `${path}: ${entry.link ? 'link' : entry.resolved}`);
    expect(notFromRegistry).toEqual([]);
    const outside: string[] = [];
    for (const scope of await readdir(join(app.dir, 'node_modules'))) {
      const entries = scope.startsWith('@')
        ? (await readdir(join(app.dir, 'node_modules', scope))).map((name) => `${scope}/${name}`)
        : [scope];
      for (const entry of entries) {
        const real = await realpath(join(app.dir, 'node_modules', entry));
        if (!real.startsWith(app.dir) || real.startsWith(repoRoot)) outside.push(`${entry} -> ${real}`);
      }
    }
    expect(outside).toEqual([]);
  });

  it('imports every entry point of every package in plain Node', async () => {
    const entryPoints = app.tarballs.flatMap(({ name }) => {
      const manifest = JSON.parse(readFileSync(join(app.dir, 'node_modules', name, 'package.json'), 'utf8'));
      return Object.keys(manifest.exports as Record<string, unknown>)
        .filter((subpath) => !subpath.includes('*') && !subpath.endsWith('.json'))
        .map((subpath) => `${name}${subpath.slice(1)}`);
    });
    expect(entryPoints).toEqual(
      expect.arrayContaining(['@model-studio/core/testing', '@model-studio/maxstudio/testing']),
    );
    const script = `
      const entryPoints = ${JSON.stringify(entryPoints)};
      const exports = {};
      for (const entryPoint of entryPoints) exports[entryPoint] = Object.keys(await import(entryPoint)).length;
      const core = await import('@model-studio/core');
      const isError = core.ModelStudioError.isInstance(new core.ValidationError('x'));
      console.log(JSON.stringify({ exports, isError }));
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: app.dir });
    const result = JSON.parse(stdout) as { exports: Record<string, number>; isError: boolean };
    expect(Object.keys(result.exports).sort()).toEqual([...entryPoints].sort());
    for (const [entryPoint, count] of Object.entries(result.exports)) expect(count, entryPoint).toBeGreaterThan(0);
    expect(result.isError).toBe(true);
  });

  it("runs every package's command from the app's node_modules/.bin (--help)", async () => {
    const commands = app.tarballs.flatMap(({ name }) => {
      const manifest = JSON.parse(readFileSync(join(app.dir, 'node_modules', name, 'package.json'), 'utf8'));
      return Object.keys((manifest.bin ?? {}) as Record<string, string>);
    });
    expect(commands).toContain('maxstudio-sandbox');
    for (const command of commands) {
      const bin = await realpath(join(app.dir, 'node_modules', '.bin', command));
      expect(bin.startsWith(app.dir), `${command} -> ${bin}`).toBe(true);
      const { stdout } = await run(process.execPath, [bin, '--help'], { cwd: app.dir });
      expect(stdout, command).toContain(command);
    }
  });

  it("gives the AWS SDK's Node.js warning exactly where the README's Node.js support says (Node 20 only)", async () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    expect(readme).toMatch(/On Node 20 the AWS SDK prints a `NodeVersionSupportWarning`/);
    const script = `
      const { S3Storage } = await import('@model-studio/storage-s3');
      const credentials = { accessKeyId: 'example', secretAccessKey: 'example' };
      new S3Storage({ bucket: 'example', region: 'eu-west-2', credentials });
      await new Promise((resolve) => setTimeout(resolve, 100));
    `;
    const env = { ...process.env };
    delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    const { stderr } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: app.dir, env });
    const major = Number(process.versions.node.split('.')[0]);
    if (major < 22) expect(stderr).toContain('NodeVersionSupportWarning');
    else expect(stderr).not.toContain('NodeVersionSupportWarning');
  });

  it("type-checks the root README's first-taste example against the installed types (strict TypeScript)", async () => {
    await writeFile(join(app.dir, 'first-taste.ts'), readmeFirstTaste());
    const tsconfig = {
      compilerOptions: { module: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: true },
      files: ['first-taste.ts'],
    };
    await writeFile(join(app.dir, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = join(app.dir, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app.dir }).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    expect(result).toBe('');
  }, 120_000);

  it("runs the root README's first-taste example unchanged", async () => {
    await writeFile(join(app.dir, 'first-taste.ts'), readmeFirstTaste());
    const tsx = join(app.dir, 'node_modules', 'tsx', 'dist', 'cli.mjs');
    const { stdout, stderr } = await run(process.execPath, [tsx, 'first-taste.ts'], {
      cwd: app.dir,
      env: { ...process.env, MAXSTUDIO_API_KEY: '' },
      timeout: 240_000,
    }).catch((error: { stdout?: string; stderr?: string }) => {
      throw new Error(`first-taste example failed\n--- stdout\n${error.stdout}\n--- stderr\n${error.stderr}`);
    });
    expect(stdout, stderr).toMatch(/^estimate: \{ credits: \d+ \}$/m);
    expect(stdout, stderr).toMatch(/^1\/1$/m);
    expect(stdout, stderr).toMatch(/^completed /m);
    expect(stdout, stderr).toContain('-sfw-enhanced.jpg');
  }, 300_000);
});
