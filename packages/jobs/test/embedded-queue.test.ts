import { spawn } from 'node:child_process';
import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEmbeddedJobQueue, QueueLockedError } from '../src/index.js';
import { waitUntil } from '../src/testing/index.js';

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

describe('embedded queue files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jobs-files-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a second worker on a worked folder gets a QueueLockedError naming the live pid; after stop it may work', async () => {
    const queue = createEmbeddedJobQueue({ dir, pollInterval: 50 });
    const other = createEmbeddedJobQueue({ dir, pollInterval: 50 });
    const worker = queue.work({});
    let error: unknown;
    try {
      other.work({});
    } catch (caught) {
      error = caught;
    }
    expect(QueueLockedError.isInstance(error)).toBe(true);
    expect((error as QueueLockedError).pid).toBe(process.pid);
    expect((error as Error).message).toContain(`pid ${process.pid}`);
    expect((error as Error).message).toMatch(/BullMQ/);
    await worker.stop();
    const second = other.work({});
    expect(JSON.parse(await readFile(join(dir, 'worker.lock'), 'utf8')).pid).toBe(process.pid);
    await second.stop();
    await expect(readFile(join(dir, 'worker.lock'), 'utf8')).rejects.toThrow(/ENOENT/);
    await Promise.all([queue.close(), other.close()]);
  });

  it('the lock of a dead process is taken over, and the jobs it left running run again', async () => {
    const queue = createEmbeddedJobQueue({ dir, pollInterval: 50 });
    const job = await queue.add({ type: 'run', model: 'andie', owner: 'u1', params: {} });
    // What a process killed mid-job leaves: the record says running, the lock names a dead pid.
    const file = join(dir, 'jobs', `${job.id}.json`);
    const record = JSON.parse(await readFile(file, 'utf8'));
    await writeFile(file, JSON.stringify({ ...record, state: 'running', attempts: 1, worker: 'gone:1' }));
    const pid = await deadPid();
    await writeFile(join(dir, 'worker.lock'), JSON.stringify({ pid, host: 'here', at: new Date().toISOString() }));
    const worker = queue.work({ run: async (_job, { attempt }) => ({ attempt }) });
    await waitUntil('the job completed', async () => (await queue.get(job.id))?.state === 'completed');
    expect(await queue.get(job.id)).toMatchObject({ attempts: 2, result: { attempt: 2 } });
    await worker.stop();
    await queue.close();
  });

  it('a torn last event line is ignored, cut before the next append, and numbering goes on', async () => {
    const queue = createEmbeddedJobQueue({ dir, pollInterval: 50 });
    const job = await queue.add({ type: 'run', model: 'andie', owner: 'u1', params: {} });
    await queue.appendEvent(job.id, { type: 'note', data: { n: 1 } });
    const log = join(dir, 'events', `${job.id}.jsonl`);
    await appendFile(log, '{"seq":3,"at":"2026-01-01T00:00:00.000Z","type":"no');
    const replay = async () => {
      const events = [];
      for await (const event of queue.events(job.id, { signal: AbortSignal.timeout(300) })) events.push(event);
      return events;
    };
    expect((await replay()).map((event) => event.seq)).toEqual([1, 2]);
    const appended = await queue.appendEvent(job.id, { type: 'note', data: { n: 2 } });
    expect(appended.seq).toBe(3);
    const lines = (await readFile(log, 'utf8')).trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line).seq)).toEqual([1, 2, 3]);
    expect((await replay()).map((event) => event.data)).toEqual([{ state: 'queued', attempt: 0 }, { n: 1 }, { n: 2 }]);
    await queue.close();
  });

  it('records are replaced whole (no temporary files left) and unreadable files are skipped by list', async () => {
    const queue = createEmbeddedJobQueue({ dir, pollInterval: 50 });
    const job = await queue.add({ type: 'run', model: 'andie', owner: 'u1', params: { n: 1 } });
    await queue.cancel(job.id);
    await mkdir(join(dir, 'jobs'), { recursive: true });
    await writeFile(join(dir, 'jobs', 'broken.json'), '{"id":');
    expect((await readdir(join(dir, 'jobs'))).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect((await queue.list()).map((record) => [record.id, record.state])).toEqual([[job.id, 'cancelled']]);
    await queue.close();
  });
});
