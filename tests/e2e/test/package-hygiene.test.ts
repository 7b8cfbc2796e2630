import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { describe, expect, it } from 'vitest';
import { publishedPackages, repoRoot, workspacePackages } from './helpers/repo.js';

const run = promisify(execFile);
const bin = (name: string) => join(repoRoot, 'node_modules', '.bin', name);

/** The one Node.js range every package declares: the root package.json's `engines` (see the README's Node.js support). */
const engines = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).engines as { node: string };

// The packed tarballs installed outside the repository: packed-install.test.ts.
describe('package hygiene', () => {
  it('the README states the Node.js range of engines', () => {
    expect(engines.node).toMatch(/^\^20\.19\.0 \|\| >=22/);
    expect(readFileSync(join(repoRoot, 'README.md'), 'utf8')).toContain(`\`"node": "${engines.node}"\``);
  });

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
        expect(pkg.manifest.engines).toEqual(engines);
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
});
