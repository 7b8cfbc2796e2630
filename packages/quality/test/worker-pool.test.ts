import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { ValidationError } from '@model-studio/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createQualityChecker } from '../src/index.js';
import { face, grace } from './fixtures.js';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const entry = pathToFileURL(path.join(packageDir, 'src/index.ts')).href;
const sample = fileURLToPath(new URL(`./fixtures/faces/${grace}`, import.meta.url));
const temp = mkdtempSync(path.join(tmpdir(), 'quality-pool-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** Runs a script in a fresh Node process (TypeScript through tsx) and returns its JSON output. */
async function node(name: string, body: string): Promise<Record<string, unknown>> {
  const file = path.join(temp, `${name}.mts`);
  writeFileSync(
    file,
    `import { createRequire } from 'node:module';\nimport { readFileSync } from 'node:fs';\nconst require = createRequire(import.meta.url);\n// CommonJS modules (tfjs, face-api) show in require.cache; sharp shows as its native library (libvips) once loaded.\nconst loaded = (re) => Object.keys(require.cache).some((k) => re.test(k)) || process.report.getReport().sharedObjects.some((k) => re.test(k));\n${body}`,
  );
  const { stdout } = await run(process.execPath, ['--import', 'tsx', file], { cwd: packageDir, timeout: 120_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

describe('import cost', () => {
  it('loads neither sharp nor tfjs nor the face models until the first check', async () => {
    const out = await node(
      'lazy',
      `const heavy = /vips|sharp|@tensorflow|@vladmandic/;
const quality = await import(${JSON.stringify(entry)});
const afterImport = loaded(heavy);
quality.createQualityChecker();
quality.createImageProcessor();
const afterCreate = loaded(heavy);
await quality.checkFile(new Uint8Array(readFileSync(${JSON.stringify(sample)})));
console.log(JSON.stringify({ afterImport, afterCreate, sharpAfterCheck: loaded(/vips|sharp/), tfAfterCheck: loaded(/@tensorflow/) }));`,
    );
    expect(out).toEqual({ afterImport: false, afterCreate: false, sharpAfterCheck: true, tfAfterCheck: false });
  });
});

describe('worker pool shutdown', () => {
  it('close() stops every worker and refuses later work', async () => {
    const checker = createQualityChecker({ workers: 2 });
    expect(checker.threadCount).toBe(0);
    const [a, b] = await Promise.all([checker.faces({ bytes: face(grace) }), checker.faces({ bytes: face(grace) })]);
    expect(a).toHaveLength(1);
    expect(b).toEqual(a);
    expect(checker.threadCount).toBe(2);
    expect(checker.backend).toBe('wasm');
    await checker.close();
    expect(checker.threadCount).toBe(0);
    await expect(checker.faces({ bytes: face(grace) })).rejects.toThrow(/closed/);
    await checker.close();
  });

  it('lets the process end after close(), and after `await using`', async () => {
    const out = await node(
      'close',
      `const { createQualityChecker } = await import(${JSON.stringify(entry)});
const bytes = new Uint8Array(readFileSync(${JSON.stringify(sample)}));
const checker = createQualityChecker({ workers: 1 });
const faces = (await checker.faces({ bytes })).length;
const during = checker.threadCount;
await checker.close();
let scoped;
{
  await using inner = createQualityChecker({ workers: 1 });
  await inner.faces({ bytes });
  scoped = inner;
}
process.on('exit', () => {});
console.log(JSON.stringify({ faces, during, after: checker.threadCount, scopedAfter: scoped.threadCount }));`,
    );
    expect(out).toEqual({ faces: 1, during: 1, after: 0, scopedAfter: 0 });
  });

  it('does not keep an idle process alive even when close() is forgotten', async () => {
    const out = await node(
      'forgotten',
      `const { createQualityChecker } = await import(${JSON.stringify(entry)});
const checker = createQualityChecker({ workers: 1 });
const faces = (await checker.faces({ bytes: new Uint8Array(readFileSync(${JSON.stringify(sample)})) })).length;
console.log(JSON.stringify({ faces, threads: checker.threadCount }));`,
    );
    // execFile resolves only when the process exits: idle workers are unref'd.
    expect(out).toEqual({ faces: 1, threads: 1 });
  });
});

describe('backends', () => {
  it('refuses backend "tensorflow" when @tensorflow/tfjs-node is not installed, saying what to do', async () => {
    const checker = createQualityChecker({ workers: 1, backend: 'tensorflow' });
    try {
      const error = await checker.faces({ bytes: face(grace) }).catch((e: unknown) => e);
      expect(ValidationError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ field: 'backend', value: 'tensorflow' });
      expect((error as Error).message).toMatch(/@tensorflow\/tfjs-node is not installed/);
    } finally {
      await checker.close();
    }
  });

  it('runs on the pure cpu backend too (slow, the last resort)', async () => {
    const checker = createQualityChecker({ workers: 1, backend: 'cpu' });
    try {
      expect(await checker.faces({ bytes: face(grace) })).toHaveLength(1);
      expect(checker.backend).toBe('cpu');
    } finally {
      await checker.close();
    }
  });
});
