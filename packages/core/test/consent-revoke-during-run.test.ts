import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  ConsentError,
  type ConsentRecord,
  LocalStorage,
  ModelBusyError,
  openWorkspace,
  type Storage,
  storageKeys,
  type Workspace,
} from '@model-studio/core';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireModelRunLock } from '../src/workspace/model-run-lock.js';

// The run lock is taken through the library in a real second process, as `studio run` in another shell takes it.
const lockModule = pathToFileURL(fileURLToPath(new URL('../src/workspace/model-run-lock.ts', import.meta.url))).href;
const holderScript = `
const { acquireModelRunLock } = await import(process.env.LOCK_MODULE);
const release = await acquireModelRunLock(process.env.LOCK_DIR, process.env.LOCK_MODEL);
process.once('SIGTERM', async () => { await release(); process.exit(0); });
setInterval(() => {}, 1 << 30);
process.stdout.write('locked\\n');
`;

/** Another process running the model: it holds the model's run lock until it is sent SIGTERM. */
interface LockHolder {
  pid: number;
  /** Releases the lock (SIGTERM) and resolves once the process has exited. */
  stop(): Promise<void>;
}

const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill();
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function holdLockInAnotherProcess(dir: string, model: string): Promise<LockHolder> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', holderScript], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...process.env, LOCK_MODULE: lockModule, LOCK_DIR: dir, LOCK_MODEL: model },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('locked')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the lock holder exited with ${code} before locking:\n${stderr}`)));
  });
  return {
    pid: child.pid!,
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}

const consent: ConsentRecord = {
  subject: 'Andie Example',
  adultAttested: true,
  attestedBy: 'operator, checked ID',
  allowedRatings: ['sfw'],
  allowedUses: ['swap'],
  obtainedAt: '2026-01-01T00:00:00Z',
  evidenceRef: 'consent-andie.pdf',
};
const bytes = (text: string) => new TextEncoder().encode(text);
const result = { model: 'andie', source: 1, target: 1, rating: 'sfw', stage: 'enhanced' } as const;

/** A workspace with a model, consent, a source, a target, a result and a journal, as after part of a run. */
async function preparedWorkspace(options: { storage?: (local: LocalStorage) => Storage } = {}) {
  const root = await mkdtemp(path.join(tmpdir(), 'ms-revoke-'));
  dirs.push(root);
  const local = new LocalStorage({ root });
  const ws = await openWorkspace({ root, storage: options.storage?.(local) ?? local });
  await ws.createModel('andie');
  await ws.setConsent('andie', consent);
  await ws.recordTargets('andie', 'sfw', [{ n: 1, origin: '/photos/beach.jpg', rightsStatement: 'own photo' }]);
  await ws.storage.put(storageKeys.source('andie', 1), bytes('jpeg'));
  await ws.storage.put(storageKeys.target('andie', 'sfw', 1), bytes('jpeg'));
  await ws.storage.put(storageKeys.result(result), bytes('jpeg'));
  const dir = ws.localModelDir('andie');
  await writeFile(path.join(dir, 'progress.jsonl'), '{}\n');
  await writeFile(path.join(dir, 'costs.jsonl'), '{"credits":10}\n');
  return { root, dir, ws, local };
}

/** The model's data files (photos, results, journal) still on disk. */
async function dataLeft(root: string): Promise<string[]> {
  const dir = path.join(root, 'models', 'andie');
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .filter((name) => !['config.json', 'costs.jsonl', 'run.lock'].includes(name))
    .sort();
}

const allData = [
  'progress.jsonl',
  'results/sfw/source_1/enhanced/andie-s1-t001-sfw-enhanced.jpg',
  'source/andie-source-1.jpg',
  'targets/sfw/andie-t001.jpg',
];

/** The consent record as another process would read it from config.json. */
async function revokedOnDisk(root: string): Promise<ConsentRecord | undefined> {
  const config = JSON.parse(await readFile(path.join(root, 'models', 'andie', 'config.json'), 'utf8'));
  return config.consent?.revokedAt === undefined ? undefined : config.consent;
}

async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected a rejection, but the promise resolved');
}

async function close(ws: Workspace, local: LocalStorage): Promise<void> {
  await ws.close();
  await local.close();
}

describe('revokeConsent({ deleteData }) while another process runs the model', () => {
  it('records the revocation, refuses to delete (ModelBusyError), and deletes once the run has stopped', async () => {
    const { root, dir, ws, local } = await preparedWorkspace();
    const run = await holdLockInAnotherProcess(dir, 'andie');

    const busy = await rejection(ws.revokeConsent('andie', { reason: 'withdrew', deleteData: true }));
    expect(ModelBusyError.isInstance(busy)).toBe(true);
    expect(busy.pid).toBe(run.pid);
    expect(busy.message).toContain(
      `is revoked, but its data was NOT deleted: a run of it is in progress in process ${run.pid}`,
    );
    expect(busy.hint).toEqual({ action: 'revoke-consent', model: 'andie' });
    // The revocation is on disk (the running process stops before its next paid call); the data is untouched.
    const recorded = await revokedOnDisk(root);
    expect(recorded?.revokedReason).toBe('withdrew');
    expect(ConsentError.isInstance(await rejection(ws.assertConsent('andie', { rating: 'sfw', use: 'swap' })))).toBe(
      true,
    );
    expect(await dataLeft(root)).toEqual(allData);
    expect((await ws.getTargets('andie', 'sfw')).map((record) => record.n)).toEqual([1]);

    await run.stop();
    const { config, deletedKeys } = await ws.revokeConsent('andie', { reason: 'withdrew', deleteData: true });
    expect(deletedKeys).toBe(4);
    expect(await dataLeft(root)).toEqual([]);
    expect((await readdir(dir)).sort()).toEqual(['config.json', 'costs.jsonl']);
    expect(config.targets).toEqual({});
    expect(config.consent?.revokedAt).toBe(recorded?.revokedAt);
    await close(ws, local);
  });

  it('with waitForRunMs, waits for the run to stop, then deletes', async () => {
    const { root, dir, ws, local } = await preparedWorkspace();
    const run = await holdLockInAnotherProcess(dir, 'andie');

    let settled = false;
    const revocation = ws
      .revokeConsent('andie', { reason: 'withdrew', deleteData: true, waitForRunMs: 30_000 })
      .finally(() => {
        settled = true;
      });
    while ((await revokedOnDisk(root)) === undefined) await sleep(20);
    // Several polls of the lock later, it is still waiting and nothing is deleted.
    await sleep(700);
    expect(settled).toBe(false);
    expect(await dataLeft(root)).toEqual(allData);

    await run.stop();
    const { config, deletedKeys } = await revocation;
    expect(deletedKeys).toBe(4);
    expect(await dataLeft(root)).toEqual([]);
    expect((await readdir(dir)).sort()).toEqual(['config.json', 'costs.jsonl']);
    expect(config.consent?.revokedReason).toBe('withdrew');
    await close(ws, local);
  });

  it('gives up after waitForRunMs with ModelBusyError, nothing deleted; a signal stops the wait too', async () => {
    const { root, dir, ws, local } = await preparedWorkspace();
    const run = await holdLockInAnotherProcess(dir, 'andie');

    const timedOut = await rejection(
      ws.revokeConsent('andie', { reason: 'withdrew', deleteData: true, waitForRunMs: 400 }),
    );
    expect(ModelBusyError.isInstance(timedOut)).toBe(true);
    expect(timedOut.message).toContain(`in process ${run.pid} and did not stop within 0.4 s`);
    expect(await dataLeft(root)).toEqual(allData);

    const controller = new AbortController();
    const waiting = ws.revokeConsent('andie', {
      reason: 'withdrew',
      deleteData: true,
      waitForRunMs: 30_000,
      signal: controller.signal,
    });
    controller.abort(new Error('operator pressed Ctrl-C'));
    expect((await rejection(waiting)).message).toBe('operator pressed Ctrl-C');
    expect(await dataLeft(root)).toEqual(allData);
    expect((await revokedOnDisk(root))?.revokedReason).toBe('withdrew');

    const invalid = await rejection(ws.revokeConsent('andie', { reason: 'x', deleteData: true, waitForRunMs: -1 }));
    expect(invalid.field).toBe('waitForRunMs');
    await run.stop();
    await close(ws, local);
  });

  it('holds the run lock while deleting, so no run can start meanwhile', async () => {
    const lockSeen: string[] = [];
    let modelDir = '';
    const dir = () => modelDir;
    const { root, ws, local } = await preparedWorkspace({
      // The real LocalStorage, noting who holds the run lock each time it is asked to delete.
      storage: (inner) =>
        new Proxy(inner, {
          get(target, property) {
            const value = Reflect.get(target, property, target);
            if (property !== 'delete') return typeof value === 'function' ? value.bind(target) : value;
            return async (...args: Parameters<Storage['delete']>) => {
              lockSeen.push((await readFile(path.join(dir(), 'run.lock'), 'utf8')).trim());
              return target.delete(...args);
            };
          },
        }),
    });
    modelDir = ws.localModelDir('andie');
    await ws.revokeConsent('andie', { reason: 'withdrew', deleteData: true });
    expect(lockSeen).toEqual([String(process.pid)]);
    expect(await dataLeft(root)).toEqual([]);
    // Released afterwards: a run can take it again (and is refused by the revoked consent).
    expect(existsSync(path.join(modelDir, 'run.lock'))).toBe(false);
    await close(ws, local);
  });

  it('a lock left by a process that has exited (a crash) does not block deletion', async () => {
    const { dir, ws, local } = await preparedWorkspace();
    const gone = await holdLockInAnotherProcess(dir, 'andie');
    const child = children.at(-1)!;
    child.kill('SIGKILL'); // no release: run.lock stays with a dead pid in it
    await exited(child);
    expect((await readFile(path.join(dir, 'run.lock'), 'utf8')).trim()).toBe(String(gone.pid));

    const { deletedKeys } = await ws.revokeConsent('andie', { reason: 'withdrew', deleteData: true });
    expect(deletedKeys).toBe(4);
    expect((await readdir(dir)).sort()).toEqual(['config.json', 'costs.jsonl']);
    await close(ws, local);
  });

  it('a run lock held by this process (a studio here) does not block, and is left in place', async () => {
    const { root, dir, ws, local } = await preparedWorkspace();
    const release = await acquireModelRunLock(dir, 'andie');
    const { deletedKeys } = await ws.revokeConsent('andie', { reason: 'withdrew', deleteData: true });
    expect(deletedKeys).toBe(4);
    expect(await dataLeft(root)).toEqual([]);
    expect((await readdir(dir)).sort()).toEqual(['config.json', 'costs.jsonl', 'run.lock']);
    await release();
    await close(ws, local);
  });

  it('deleteModel refuses while another process runs the model, and deletes after', async () => {
    const { root, dir, ws, local } = await preparedWorkspace();
    const run = await holdLockInAnotherProcess(dir, 'andie');
    const busy = await rejection(ws.deleteModel('andie'));
    expect(ModelBusyError.isInstance(busy)).toBe(true);
    expect(busy.message).toContain(`being run by another process (pid ${run.pid}): nothing was deleted`);
    expect(await dataLeft(root)).toEqual(allData);
    expect((await ws.listModels()).map((model) => model.name)).toEqual(['andie']);

    await run.stop();
    await ws.deleteModel('andie');
    expect(existsSync(dir)).toBe(false);
    expect(await ws.listModels()).toEqual([]);
    await close(ws, local);
  });
});
