import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { LocalStorage } from '@model-studio/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMaxStudio, createMaxStudioProvider, type MaxStudioSettings } from '../src/index.js';
import { astronaut, graceHopper } from './helpers/fixtures.js';
import { type SandboxProcess, startSandboxProcess } from './helpers/sandbox-process.js';

const key = 'msk-live-DISTINCTIVE-7f3a9c1e5b2d4e6f';
const wrongKey = 'msk-live-WRONGKEY-0b1c2d3e4f5a6b7c';
const fast: MaxStudioSettings = {
  pollInterval: 20,
  maxPollInterval: 100,
  retry: { retries: 1, minDelay: 10, maxDelay: 50 },
};

let sandbox: SandboxProcess;
let storage: LocalStorage;
let root: string;
const printed: string[] = [];
const thrown: unknown[] = [];
const restore: Array<() => void> = [];

beforeAll(async () => {
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream);
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      printed.push(String(chunk));
      return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    restore.push(() => {
      stream.write = original;
    });
  }
  root = await mkdtemp(join(tmpdir(), 'maxstudio-secrets-'));
  storage = new LocalStorage({ root, signedUrls: {} });
  sandbox = await startSandboxProcess(['--key', key]);
  await storage.put('source.png', astronaut);
  await storage.put('target.jpg', graceHopper);
});
afterAll(async () => {
  for (const undo of restore) undo();
  await Promise.all([sandbox?.close(), storage?.close()]);
  await rm(root, { recursive: true, force: true });
});

async function capture(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    thrown.push(error);
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

describe('the API key never appears in anything we produce', () => {
  it('runs every success and failure path with a distinctive key, then scans errors, output, logs and files', async () => {
    const client = createMaxStudio({ ...fast, baseURL: sandbox.url, apiKey: key });
    const { swapper, enhancer } = createMaxStudioProvider({ storage, client });
    const swap = await swapper.submitSwap({ targetKey: 'target.jpg', sourceKey: 'source.png' });
    await storage.put('out/swapped.jpg', (await swapper.waitForSwap(swap)).bytes);
    const enhance = await enhancer.submitEnhance({ imageKey: 'target.jpg' });
    await storage.put('out/enhanced.jpg', (await enhancer.waitForEnhance(enhance)).bytes);

    const plans = [
      { rules: [{ kind: 'rate-limit' as const, retryAfter: '0', on: 'detect' as const }] },
      { rules: [{ kind: 'server-error' as const }] },
      { rules: [{ kind: 'drop-after-accept' as const }] },
      { rules: [{ kind: 'drop-before-accept' as const }] },
      { rules: [{ kind: 'malformed-json' as const }] },
      { rules: [{ kind: 'job-fails' as const }] },
      { insufficientCreditsAfter: 0 },
      { latency: { minMs: 700, maxMs: 700 } },
    ];
    for (const plan of plans) {
      // Fresh clients per plan, so the adaptive slowdown after the 429 plan does not slow the others down.
      const { detector, swapper, enhancer } = createMaxStudioProvider({
        storage,
        client: createMaxStudio({ ...fast, baseURL: sandbox.url, apiKey: key }),
      });
      const slow = createMaxStudioProvider({
        storage,
        // A timeout under the latency plan's, with room for a loaded machine's warm-up detection.
        client: createMaxStudio({ ...fast, baseURL: sandbox.url, apiKey: key, timeout: 350 }),
      });
      await sandbox.setFaults({});
      // Warm-up without the short timeout (fetch shares its connection pool between clients): on a heavily loaded
      // machine even an unfaulted detection can take longer than 350 ms.
      await detector.detectFaces({ key: 'target.jpg' });
      await sandbox.setFaults(plan);
      await capture(() => detector.detectFaces({ key: 'target.jpg' }));
      await capture(async () =>
        swapper.waitForSwap(
          await swapper.submitSwap({
            targetKey: 'target.jpg',
            sourceKey: 'source.png',
            faces: [{ x: 1, y: 1, width: 50, height: 50 }],
          }),
        ),
      );
      await capture(async () => enhancer.waitForEnhance(await enhancer.submitEnhance({ imageKey: 'target.jpg' })));
      await capture(() => slow.detector.detectFaces({ key: 'target.jpg' }));
    }
    await sandbox.setFaults({});
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await capture(() => enhancer.waitForEnhance(enhance, { signal: controller.signal }));
    await capture(() => client.submitEnhance({ image: graceHopper }, { signal: controller.signal }));
    await capture(() => client.waitForJob({ id: 'unknown', operation: 'swap' }, { timeout: 100 }));
    await capture(() => client.waitForJob({ id: 'unknown', operation: 'swap' }, { unknownJobGracePeriod: 0 }));
    await capture(() =>
      createMaxStudio({ ...fast, baseURL: sandbox.url, apiKey: wrongKey }).detectFaces(`${sandbox.url}/x.jpg`),
    );
    await capture(() =>
      createMaxStudio({ ...fast, baseURL: 'http://127.0.0.1:9', apiKey: key }).submitEnhance({ image: graceHopper }),
    );

    // A provider that echoes the key back in its error body (404 to polls, 400 otherwise): the message is redacted.
    const echo = createServer((request, response) => {
      const status = request.method === 'GET' ? 404 : 400;
      response.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'req-123' });
      response.end(JSON.stringify({ status, error: `bad key ${String(request.headers['x-api-key'])}` }));
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
    await capture(() =>
      createMaxStudio({ ...fast, baseURL: echoUrl, apiKey: key }).detectFaces('https://example.invalid/a.jpg'),
    );
    const echoed = thrown.at(-1) as { providerMessage?: string; requestId?: string };
    expect(echoed.providerMessage).toBe('bad key [redacted]');
    expect(echoed.requestId).toBe('req-123');
    await capture(() =>
      createMaxStudio({
        ...fast,
        baseURL: echoUrl,
        apiKey: key,
        unknownJobPolls: 1,
        unknownJobGracePeriod: 0,
      }).waitForJob({ id: 'gone', operation: 'enhance' }),
    );
    echo.close();
    expect(thrown.at(-1)).toMatchObject({ reason: 'job-failed', providerMessage: 'bad key [redacted]' });

    const reasons = new Set(thrown.map((error) => (error as { reason?: string }).reason));
    for (const reason of [
      'rate-limited',
      'server',
      'uncertain',
      'network',
      'invalid-response',
      'job-failed',
      'insufficient-credits',
      'aborted',
      'timeout',
      'authentication',
      'input',
    ]) {
      expect(reasons.has(reason), `no ${reason} error was produced`).toBe(true);
    }
    for (const error of thrown) {
      for (const secret of [key, wrongKey]) {
        expect(inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true })).not.toContain(secret);
        expect(JSON.stringify(error)).not.toContain(secret);
        expect(String((error as Error).stack)).not.toContain(secret);
      }
    }
    expect(inspect(client, { depth: Number.POSITIVE_INFINITY, showHidden: true })).not.toContain(key);
    expect(inspect(swapper, { depth: Number.POSITIVE_INFINITY, showHidden: true })).not.toContain(key);

    const everything = [
      printed.join(''),
      sandbox.output(),
      JSON.stringify(await sandbox.requests()),
      JSON.stringify(await sandbox.billing()),
    ].join('\n');
    expect(everything).not.toContain(key);
    expect(everything).not.toContain(wrongKey);
    const files = await filesUnder(root);
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const file of files) {
      const content = await readFile(file);
      expect(content.includes(key), file).toBe(false);
    }
  });
});
