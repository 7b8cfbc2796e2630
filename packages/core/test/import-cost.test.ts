import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const coreDir = fileURLToPath(new URL('..', import.meta.url));
const tracer = fileURLToPath(new URL('./helpers/trace-imports.mjs', import.meta.url));

/** Imports a built entry in a fresh Node process and returns every module URL it loaded. */
async function modulesLoadedBy(entry: string): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'import-trace-'));
  const file = join(dir, 'trace.txt');
  try {
    await run(
      process.execPath,
      ['--import', tracer, '--input-type=module', '-e', `await import(${JSON.stringify(entry)});`],
      {
        env: { ...process.env, TRACE_IMPORTS_FILE: file },
      },
    );
    return (await readFile(file, 'utf8')).split('\n').filter(Boolean);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('importing @model-studio/core', () => {
  for (const entry of ['dist/index.js', 'dist/testing.js']) {
    it(`${entry} loads no sharp, tfjs or AWS SDK`, async () => {
      const path = join(coreDir, entry);
      expect(existsSync(path), `${path} is missing: run "pnpm build" first`).toBe(true);
      const loaded = await modulesLoadedBy(path);
      // The tracer works: the entry itself shows up, and the main entry loads core's small dependency zod.
      expect(loaded.some((url) => url.endsWith(`/packages/core/${entry}`))).toBe(true);
      if (entry === 'dist/index.js') expect(loaded.some((url) => url.includes('/zod/'))).toBe(true);
      const heavy = loaded.filter((url) => /\/(sharp|@img|@tensorflow|@vladmandic|@aws-sdk|@smithy)\//.test(url));
      expect(heavy).toEqual([]);
    });
  }
});
