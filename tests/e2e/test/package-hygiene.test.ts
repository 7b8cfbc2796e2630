import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { describe, expect, it } from 'vitest';
import { publishedPackages, repoRoot, workspacePackages } from './helpers/repo.js';

const run = promisify(execFile);
const bin = (name: string) => join(repoRoot, 'node_modules', '.bin', name);

describe('package hygiene', () => {
  for (const pkg of workspacePackages()) {
    it(`${pkg.manifest.name} has the house files and settings`, () => {
      expect(existsSync(join(pkg.dir, 'README.md')), 'README.md').toBe(true);
      expect(existsSync(join(pkg.dir, 'vitest.config.ts')), 'vitest.config.ts').toBe(true);
      expect(pkg.manifest.type).toBe('module');
      expect(JSON.stringify(pkg.manifest)).not.toContain('tfjs-node');
      if (!pkg.manifest.private) {
        expect(existsSync(join(pkg.dir, 'CHANGELOG.md')), 'CHANGELOG.md').toBe(true);
        expect(existsSync(join(pkg.dir, 'src', 'index.ts')), 'src/index.ts').toBe(true);
        expect(existsSync(join(pkg.dir, 'tsup.config.ts')), 'tsup.config.ts').toBe(true);
        expect(pkg.manifest.sideEffects).toBe(false);
        expect(pkg.manifest.engines).toEqual({ node: '>=20.19' });
        for (const [subpath, target] of Object.entries(pkg.manifest.exports ?? {})) {
          if (typeof target === 'object' && target)
            expect(Object.keys(target)[0], `exports["${subpath}"]: types first`).toBe('types');
        }
      }
    });
  }

  for (const pkg of publishedPackages()) {
    it(`${pkg.manifest.name} passes publint --strict`, async () => {
      expect(existsSync(join(pkg.dir, 'dist')), `${pkg.dir}/dist missing: run "pnpm build" first`).toBe(true);
      const { messages, pkg: manifest } = await publint({ pkgDir: pkg.dir, strict: true, level: 'suggestion' });
      const problems = messages
        .filter((message) => message.type !== 'suggestion')
        .map((message) => `${message.type}: ${formatMessage(message, manifest)}`);
      expect(problems).toEqual([]);
    });

    it(`${pkg.manifest.name} passes arethetypeswrong (ESM only)`, async () => {
      expect(existsSync(join(pkg.dir, 'dist')), `${pkg.dir}/dist missing: run "pnpm build" first`).toBe(true);
      const result = await run(bin('attw'), ['--pack', pkg.dir, '--profile', 'esm-only', '--format', 'json'], {
        cwd: pkg.dir,
        maxBuffer: 64 * 1024 * 1024,
      }).then(
        ({ stdout }) => ({ stdout, failed: false }),
        (error: { stdout?: string }) => ({ stdout: error.stdout ?? '', failed: true }),
      );
      const report = JSON.parse(result.stdout) as { analysis: { types: unknown; problems?: unknown[] } };
      expect(report.analysis.types, 'attw found no types').not.toBe(false);
      expect(result.failed ? report.analysis.problems : []).toEqual([]);
    });
  }

  it('the packed core tarball installs and imports in a project outside the workspace', async () => {
    const work = await mkdtemp(join(tmpdir(), 'core-pack-'));
    try {
      await run('pnpm', ['pack', '--pack-destination', work], { cwd: join(repoRoot, 'packages', 'core') });
      const tarball = (await readdir(work)).find((file) => file.endsWith('.tgz'));
      expect(tarball).toBeDefined();
      const app = join(work, 'app');
      await run('mkdir', ['-p', app]);
      await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
      await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', join(work, tarball!)], { cwd: app });
      const script = `
        const core = await import('@model-studio/core');
        const testing = await import('@model-studio/core/testing');
        const err = new core.ValidationError('x');
        console.log(JSON.stringify({ isError: core.ModelStudioError.isInstance(err), testing: typeof testing, keys: Object.keys(core).length }));
      `;
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: app });
      const result = JSON.parse(stdout) as { isError: boolean; testing: string; keys: number };
      expect(result.isError).toBe(true);
      expect(result.testing).toBe('object');
      expect(result.keys).toBeGreaterThan(5);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }, 180_000);
});
