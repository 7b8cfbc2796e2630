import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));
/** A module hook that appends every module URL Node loads to TRACE_IMPORTS_FILE. */
const tracer = `data:text/javascript,${encodeURIComponent(`
import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`
import { appendFileSync } from 'node:fs';
export async function load(url, context, next) { appendFileSync(process.env.TRACE_IMPORTS_FILE, url + '\\\\n'); return next(url, context); }
\`));
`)}`;

async function modulesLoadedBy(script: string): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'maxstudio-trace-'));
  const file = join(dir, 'trace.txt');
  try {
    await run(process.execPath, ['--import', 'tsx', '--import', tracer, '--input-type=module', '-e', script], {
      cwd: packageDir,
      env: { ...process.env, TRACE_IMPORTS_FILE: file, MAXSTUDIO_API_KEY: '' },
    });
    return (await readFile(file, 'utf8')).split('\n').filter(Boolean);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('import cost', () => {
  it('the client entry loads neither sharp nor the sandbox (ky, its HTTP layer, it does), and needs no key at import', async () => {
    const entry = join(packageDir, 'src', 'index.ts');
    const loaded = await modulesLoadedBy(
      `const m = await import(${JSON.stringify(entry)}); if (!m.maxstudio) process.exit(3);`,
    );
    expect(loaded.some((url) => url.endsWith('/src/maxstudio-client.ts'))).toBe(true);
    expect(loaded.some((url) => /\/ky\/distribution\//.test(url))).toBe(true);
    expect(loaded.filter((url) => /\/(sharp|@img)\/|\/src\/testing\//.test(url))).toEqual([]);
  });

  it('the testing entry loads sharp only once the sandbox processes an image', async () => {
    const entry = join(packageDir, 'src', 'testing', 'index.ts');
    const loaded = await modulesLoadedBy(
      `const m = await import(${JSON.stringify(entry)}); const s = await m.startMaxStudioSandbox(); await s.close();`,
    );
    expect(loaded.some((url) => url.endsWith('/start-maxstudio-sandbox.ts'))).toBe(true);
    expect(loaded.filter((url) => /\/(sharp|@img)\//.test(url))).toEqual([]);
  });
});
