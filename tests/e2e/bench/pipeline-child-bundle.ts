// Bundles pipeline-child.ts for plain node, with esbuild (tsx's own copy: tsx runs this benchmark, so it is there).
// Packages stay imports (the SDK from its built dist/, sharp), so the child runs the SDK as users run it. The bundle
// is written into tests/e2e/.bench-workspaces/ (ignored by git), where node resolves those packages as from tests/e2e.
import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { benchWorkspacesDir, type runOnce } from './pipeline-run.js';

/** What a child run prints: the run's figures, its peak RSS and its RSS before the run (MB). */
export type ChildRun = Awaited<ReturnType<typeof runOnce>> & { peakRssMb: number; startRssMb?: number };

const bundlePath = join(benchWorkspacesDir, 'pipeline-child.bundle.mjs');
const childUrl = new URL('./pipeline-child.ts', import.meta.url);
let bundled: Promise<string[]> | undefined;

/**
 * The command line (after `node`) of a child run: the bundle under plain node, or, when esbuild cannot be loaded,
 * pipeline-child.ts under tsx (`harness` says which).
 */
export function bundledChild(): Promise<string[]> {
  bundled ??= (async () => {
    try {
      const require = createRequire(import.meta.url);
      const esbuildPath = createRequire(require.resolve('tsx/package.json')).resolve('esbuild');
      const esbuild = (await import(pathToFileURL(esbuildPath).href)) as {
        build(options: Record<string, unknown>): Promise<unknown>;
      };
      await esbuild.build({
        entryPoints: [fileURLToPath(childUrl)],
        // The bundled modules find their neighbours (sandbox-process.mjs) as from bench/.
        define: { 'import.meta.url': JSON.stringify(childUrl.href) },
        outfile: bundlePath,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        packages: 'external',
        logLevel: 'error',
      });
      return [bundlePath];
    } catch (error) {
      console.error(`pipeline-child: running under tsx (esbuild could not bundle it: ${(error as Error).message})`);
      return ['--import', 'tsx', fileURLToPath(childUrl)];
    }
  })();
  return bundled;
}

/** Runs one child (see pipeline-child.ts) with the workspaces under `dir`; returns its figures. */
export async function runChild(dir: string, units: number): Promise<ChildRun & { harness: string }> {
  const args = await bundledChild();
  const output = execFileSync(process.execPath, args, {
    env: {
      ...process.env,
      BENCH_CHILD_DIR: dir,
      BENCH_CHILD_UNITS: String(units),
      TSX_TSCONFIG_PATH: fileURLToPath(new URL('./tsconfig.json', import.meta.url)),
    },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 24,
  });
  const harness = args[0] === bundlePath ? 'node (bundled child, no tsx)' : 'node --import tsx';
  return { ...(JSON.parse(output.trim().split('\n').at(-1)!) as ChildRun), harness };
}

/** Removes the bundle. */
export async function removeBundledChild(): Promise<void> {
  await rm(bundlePath, { force: true });
}
