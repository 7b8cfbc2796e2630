import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StorageError, ValidationError } from '@model-studio/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type CorruptLine,
  deferredWriteMs,
  INTERRUPTED_SUBMISSION_REASON,
  openJournal,
  type ProgressJournal,
} from '../src/journal/index.js';
import { fsOpsOf } from './helpers/fs-ops-of.js';

let dir: string;
let path: string;
const open: ProgressJournal[] = [];

async function journalAt(options: Parameters<typeof openJournal>[1] = {}) {
  const journal = await openJournal(path, options);
  open.push(journal);
  return journal;
}

async function lines(): Promise<string[]> {
  return (await readFile(path, 'utf8')).split('\n').filter((line) => line !== '');
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'journal-'));
  path = join(dir, 'models', 'andie', 'progress.jsonl');
});

afterEach(async () => {
  for (const journal of open.splice(0)) await journal.close();
  await rm(dir, { recursive: true, force: true });
});

/** Unit a: done. b: submitted (job-b). c: submitting. d: failed (retryable). e: planned only. */
async function fill(journal: ProgressJournal) {
  for (const unitId of ['a', 'b', 'c', 'd', 'e']) await journal.append({ type: 'planned', unitId, ops: ['swap'] });
  await journal.append({ type: 'submitting', unitId: 'a', op: 'swap' });
  await journal.append({ type: 'submitted', unitId: 'a', op: 'swap', jobId: 'job-a', provider: 'maxstudio' });
  await journal.append({ type: 'completed', unitId: 'a', op: 'swap', outputKeys: ['a-swapped.jpg'] });
  await journal.append({ type: 'completed', unitId: 'a', outputKeys: ['a-enhanced.jpg'] });
  await journal.append({ type: 'submitting', unitId: 'b', op: 'swap' });
  await journal.append({ type: 'submitted', unitId: 'b', op: 'swap', jobId: 'job-b', provider: 'maxstudio' });
  await journal.append({ type: 'submitting', unitId: 'c', op: 'swap' });
  await journal.append({ type: 'submitting', unitId: 'd', op: 'swap' });
  await journal.append({ type: 'failed', unitId: 'd', op: 'swap', code: 'provider', message: '503', retryable: true });
}

describe('progress journal', () => {
  it('folds events into unit states and answers the queries', async () => {
    const journal = await journalAt({ now: () => new Date('2026-01-02T03:04:05.000Z') });
    await fill(journal);

    expect(journal.state('a')).toMatchObject({ status: 'done', outputKeys: ['a-enhanced.jpg'] });
    expect(journal.state('a')?.ops.swap).toMatchObject({ status: 'completed', jobId: 'job-a', attempt: 1 });
    expect(journal.done().map((u) => u.unitId)).toEqual(['a']);
    expect(journal.inFlight()).toEqual([
      { unitId: 'b', op: 'swap', jobId: 'job-b', provider: 'maxstudio', attempt: 1 },
    ]);
    // Live, c is being submitted by this process: in flight, not uncertain.
    expect(journal.state('c')?.status).toBe('in-flight');
    expect(journal.uncertain()).toEqual([]);
    expect(journal.failed().map((u) => u.unitId)).toEqual(['d']);
    expect(journal.state('d')?.ops.swap?.error).toEqual({ code: 'provider', message: '503', retryable: true });
    expect(journal.pending().map((u) => u.unitId)).toEqual(['e']);
    expect(journal.counts()).toEqual({ pending: 1, 'in-flight': 2, uncertain: 0, failed: 1, done: 1 });
    expect(journal.state('zzz')).toBeUndefined();
    expect(journal.state('e')?.updatedAt).toBe('2026-01-02T03:04:05.000Z');
  });

  it('after a restart, a submission without a job id is uncertain and one with a job id is reattachable', async () => {
    await fill(await journalAt());
    await open.pop()?.close();
    const journal = await journalAt();

    expect(journal.inFlight().map((op) => op.jobId)).toEqual(['job-b']);
    expect(journal.uncertain()).toEqual([
      { unitId: 'c', op: 'swap', attempt: 1, reason: INTERRUPTED_SUBMISSION_REASON, at: expect.any(String) },
    ]);
    expect(journal.counts()).toEqual({ pending: 1, 'in-flight': 1, uncertain: 1, failed: 1, done: 1 });
    // seq continues where the file left off.
    const next = await journal.append({ type: 'planned', unitId: 'f' });
    expect(next.seq).toBe(15);
    expect(next.at).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('refuses steps that could pay twice, before writing anything', async () => {
    const journal = await journalAt();
    await fill(journal);
    const before = await lines();

    const again = journal.append({ type: 'submitting', unitId: 'b', op: 'swap' });
    await expect(again).rejects.toThrow(ValidationError);
    await expect(again).rejects.toThrow(/already in flight as job job-b: reattach/);
    await expect(
      journal.append({ type: 'submitted', unitId: 'e', op: 'swap', jobId: 'x', provider: 'p' }),
    ).rejects.toThrow(/must follow "submitting"/);
    await expect(journal.append({ type: 'submitting', unitId: 'a', op: 'swap' })).rejects.toThrow(/already done/);
    await expect(journal.append({ type: 'resubmit-approved', unitId: 'e', op: 'swap' })).rejects.toThrow(
      /resolves an uncertain submission/,
    );
    await expect(journal.append({ type: 'planned', unitId: '' })).rejects.toThrow(/non-empty unitId/);
    expect(await lines()).toEqual(before);
  });

  it('an uncertain op needs resubmit-approved before a new attempt; a found job id reattaches it', async () => {
    const journal = await journalAt();
    await journal.append({ type: 'submitting', unitId: 'u', op: 'swap' });
    await journal.append({ type: 'uncertain', unitId: 'u', op: 'swap', reason: 'socket hang up' });
    expect(journal.uncertain()).toMatchObject([{ unitId: 'u', op: 'swap', attempt: 1, reason: 'socket hang up' }]);
    await expect(journal.append({ type: 'submitting', unitId: 'u', op: 'swap' })).rejects.toThrow(/resubmit-approved/);

    await journal.append({
      type: 'resubmit-approved',
      unitId: 'u',
      op: 'swap',
      note: 'checked the account: no charge',
    });
    expect(journal.state('u')?.ops.swap).toMatchObject({ status: 'planned', attempt: 1 });
    const second = await journal.append({ type: 'submitting', unitId: 'u', op: 'swap' });
    expect(second).toMatchObject({ type: 'submitting', attempt: 2 });

    await journal.append({ type: 'submitting', unitId: 'v', op: 'swap' });
    await journal.append({ type: 'uncertain', unitId: 'v', op: 'swap', reason: 'timeout' });
    await journal.append({ type: 'submitted', unitId: 'v', op: 'swap', jobId: 'found-in-dashboard', provider: 'm' });
    expect(journal.inFlight()).toEqual([
      { unitId: 'v', op: 'swap', jobId: 'found-in-dashboard', provider: 'm', attempt: 1 },
    ]);
  });

  it('records passed checks, which clear an earlier failure of the same check and survive a reopen', async () => {
    const journal = await journalAt();
    await journal.append({ type: 'planned', unitId: 'u', ops: ['enhance'] });
    await journal.append({
      type: 'failed',
      unitId: 'u',
      op: 'verify',
      code: 'not-source',
      message: 'x',
      retryable: false,
    });
    expect(journal.state('u')?.status).toBe('failed');
    await journal.append({ type: 'passed', unitId: 'u', op: 'verify', detail: 'distance 0.31' });
    expect(journal.state('u')?.ops.verify).toMatchObject({ status: 'passed', error: undefined });
    expect(journal.state('u')?.status).toBe('pending');
    // A paid op in flight is not a check.
    await journal.append({ type: 'submitting', unitId: 'u', op: 'enhance' });
    await expect(journal.append({ type: 'passed', unitId: 'u', op: 'enhance' })).rejects.toThrow(/not a check/);
    await journal.close();
    open.splice(open.indexOf(journal), 1);

    const reopened = await journalAt();
    expect(reopened.state('u')?.ops.verify).toMatchObject({ status: 'passed' });
    expect((await lines()).map((line) => JSON.parse(line).type)).toEqual(['planned', 'failed', 'passed', 'submitting']);
  });

  it('serialises many concurrent appends in call order, each durable when it resolves', async () => {
    const journal = await journalAt();
    const events = await Promise.all(
      Array.from({ length: 200 }, (_, i) => journal.append({ type: 'planned', unitId: `u${i}`, ops: ['swap'] })),
    );
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    const written = (await lines()).map((line) => JSON.parse(line) as { seq: number; unitId: string });
    expect(written.map((e) => e.seq)).toEqual(events.map((e) => e.seq));
    expect(written[199]?.unitId).toBe('u199');
  });

  it('a deferred event resolves at once and is written, in order, with the next immediate one', async () => {
    const journal = await journalAt();
    await journal.append({ type: 'planned', unitId: 'a', ops: ['swap'] });
    const deferred = await journal.append({ type: 'planned', unitId: 'b', ops: ['swap'] }, { durability: 'deferred' });
    expect(deferred.seq).toBe(2);
    // Visible in memory at once, not yet in the file.
    expect(journal.state('b')?.status).toBe('pending');
    expect((await lines()).map((line) => JSON.parse(line).unitId)).toEqual(['a']);
    await journal.append({ type: 'planned', unitId: 'c', ops: ['swap'] });
    expect((await lines()).map((line) => JSON.parse(line).unitId)).toEqual(['a', 'b', 'c']);
    await journal.append({ type: 'planned', unitId: 'd', ops: ['swap'] }, { durability: 'deferred' });
    await journal.flush();
    expect((await lines()).map((line) => JSON.parse(line).unitId)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('deferred events share the write of the next immediate event (one write, not two)', async () => {
    const journal = await journalAt();
    await journal.append({ type: 'planned', unitId: 'a', ops: ['swap'] });
    await journal.append({ type: 'planned', unitId: 'b', ops: ['swap'] }, { durability: 'deferred' });
    await journal.append({ type: 'planned', unitId: 'c', ops: ['swap'] }, { durability: 'deferred' });
    const writes = await fsOpsOf(() => journal.append({ type: 'planned', unitId: 'd', ops: ['swap'] }));
    expect(writes).toBe(1);
    expect((await lines()).map((line) => JSON.parse(line).unitId)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('appendMany writes its events in order as one write, and stops at a refused one, keeping those before it', async () => {
    const journal = await journalAt();
    const writes = await fsOpsOf(() =>
      journal.appendMany(['a', 'b', 'c'].map((unitId) => ({ type: 'planned', unitId, ops: ['swap'] }))),
    );
    expect(writes).toBe(1);
    expect((await lines()).map((line) => JSON.parse(line).seq)).toEqual([1, 2, 3]);

    const refused = journal.appendMany([
      { type: 'submitting', unitId: 'a', op: 'swap' },
      { type: 'submitting', unitId: 'a', op: 'swap' },
      { type: 'submitting', unitId: 'b', op: 'swap' },
    ]);
    await expect(refused).rejects.toThrow(ValidationError);
    await expect(refused).rejects.toThrow(/already in flight/);
    expect((await lines()).map((line) => JSON.parse(line).type)).toEqual([
      'planned',
      'planned',
      'planned',
      'submitting',
    ]);
    expect(journal.state('b')?.ops.swap?.status).toBe('planned');
    await expect(journal.appendMany([{ type: 'planned', unitId: '' }])).rejects.toThrow(/non-empty unitId/);
    await journal.appendMany([]);
    await journal.close();
    const reopened = await journalAt();
    expect(reopened.uncertain().map((op) => op.unitId)).toEqual(['a']);
    expect((await reopened.append({ type: 'planned', unitId: 'd' })).seq).toBe(5);
  });

  it('a deferred event alone is written within deferredWriteMs, and before close', async () => {
    const journal = await journalAt();
    await journal.append({ type: 'planned', unitId: 'a', ops: ['swap'] }, { durability: 'deferred' });
    await new Promise((resolve) => setTimeout(resolve, deferredWriteMs + 150));
    expect((await lines()).map((line) => JSON.parse(line).unitId)).toEqual(['a']);
    await journal.append({ type: 'planned', unitId: 'b', ops: ['swap'] }, { durability: 'deferred' });
    await journal.close();
    expect((await lines()).map((line) => JSON.parse(line).unitId)).toEqual(['a', 'b']);
  });

  it('a process killed before a deferred event is written loses it and nothing before it', async () => {
    const script = `
      const { openJournal } = await import(${JSON.stringify(new URL('../src/journal/index.ts', import.meta.url).href)});
      const journal = await openJournal(process.env.JOURNAL_PATH);
      await journal.append({ type: 'planned', unitId: 'a', ops: ['swap'] });
      await journal.append({ type: 'planned', unitId: 'b', ops: ['swap'] }, { durability: 'deferred' });
      if (process.env.THEN_IMMEDIATE) await journal.append({ type: 'planned', unitId: 'c', ops: ['swap'] });
      // Say so, then freeze (timers included) so the kill lands before the deferred write could happen.
      (await import('node:fs')).writeSync(1, 'ready\\n');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
    `;
    const runUntilKilled = async (env: Record<string, string>) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        env: { ...process.env, JOURNAL_PATH: path, ...env },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('ready')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`child exited early with ${code}`)));
      });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      return (await lines()).map((line) => JSON.parse(line).unitId);
    };
    expect(await runUntilKilled({})).toEqual(['a']);
    await rm(path);
    expect(await runUntilKilled({ THEN_IMMEDIATE: '1' })).toEqual(['a', 'b', 'c']);
  });

  it('compaction keeps deferred events', async () => {
    const journal = await journalAt();
    await journal.append({ type: 'planned', unitId: 'a', ops: ['swap'] }, { durability: 'deferred' });
    await journal.compact();
    await journal.close();
    const reread = await journalAt();
    expect(reread.units().map((unit) => unit.unitId)).toEqual(['a']);
  });

  it('drops a torn last line and truncates it so later appends stay line-aligned', async () => {
    await fill(await journalAt());
    await open.pop()?.close();
    const whole = await readFile(path, 'utf8');
    await appendFile(path, '{"seq":15,"at":"2026-01-0');

    const journal = await journalAt();
    expect(journal.repaired).toBe('truncated');
    expect(await readFile(path, 'utf8')).toBe(whole);
    expect(journal.counts()).toMatchObject({ done: 1, failed: 1 });
    await journal.append({ type: 'planned', unitId: 'f' });
    await open.pop()?.close();

    const reopened = await journalAt();
    expect(reopened.repaired).toBe('none');
    expect(reopened.state('f')?.status).toBe('pending');
  });

  it('keeps a complete last event whose newline was lost, and adds the newline', async () => {
    const journal = await journalAt();
    await journal.append({ type: 'submitting', unitId: 'a', op: 'swap' });
    await journal.close();
    open.pop();
    await appendFile(
      path,
      JSON.stringify({ seq: 2, at: 'x', type: 'submitted', unitId: 'a', op: 'swap', jobId: 'j', provider: 'p' }),
    );

    const reopened = await journalAt();
    expect(reopened.repaired).toBe('terminated');
    expect(reopened.inFlight().map((op) => op.jobId)).toEqual(['j']);
    expect((await readFile(path, 'utf8')).endsWith('}\n')).toBe(true);
  });

  it('a corrupt line in the middle is a ValidationError naming the line, or skipped with onCorruptLine', async () => {
    await fill(await journalAt());
    await open.pop()?.close();
    const original = await lines();
    original.splice(3, 0, '{"seq": 99, "type": "planned"');
    await writeFile(path, `${original.join('\n')}\n`);

    await expect(openJournal(path)).rejects.toThrow(ValidationError);
    await expect(openJournal(path)).rejects.toThrow(/line 4 is not a valid record .*The file was not changed/);
    expect(await lines()).toEqual(original);

    const skipped: CorruptLine[] = [];
    const journal = await journalAt({ onCorruptLine: (info) => skipped.push(info) });
    expect(skipped).toEqual([{ path, line: 4, text: '{"seq": 99, "type": "planned"', reason: expect.any(String) }]);
    expect(journal.counts().done).toBe(1);
  });

  it('an unknown event type is reported, not silently dropped', async () => {
    const journal = await journalAt();
    await journal.append({ type: 'planned', unitId: 'a' });
    await journal.close();
    open.pop();
    await appendFile(
      path,
      '{"seq":2,"at":"x","type":"teleported","unitId":"a"}\n{"seq":3,"at":"x","type":"planned","unitId":"b"}\n',
    );
    await expect(openJournal(path)).rejects.toThrow(/line 2 .*unknown event type "teleported"/);
  });

  it('compaction keeps every unit state and the seq counter, and appends continue after it', async () => {
    const journal = await journalAt();
    await fill(journal);
    await journal.append({ type: 'submitting', unitId: 'u', op: 'swap' });
    await journal.append({ type: 'uncertain', unitId: 'u', op: 'swap', reason: 'lost' });
    const before = journal.units();

    await journal.compact();
    expect(journal.units()).toEqual(before);
    const compacted = await lines();
    expect(compacted).toHaveLength(6);
    expect(compacted.every((line) => JSON.parse(line).type === 'snapshot')).toBe(true);

    const next = await journal.append({ type: 'completed', unitId: 'b', op: 'swap', outputKeys: ['b.jpg'] });
    expect(next.seq).toBe(17);
    await journal.close();
    open.pop();

    // Reloading the compacted file gives what reloading the full history would.
    const reloaded = await journalAt();
    expect(reloaded.state('b')?.ops.swap).toMatchObject({ status: 'completed', jobId: 'job-b', outputKeys: ['b.jpg'] });
    expect(reloaded.state('c')?.ops.swap).toMatchObject({ status: 'uncertain', reason: INTERRUPTED_SUBMISSION_REASON });
    expect(reloaded.uncertain().map((op) => op.unitId)).toEqual(['c', 'u']);
    expect(reloaded.state('a')).toEqual(before.find((unit) => unit.unitId === 'a'));
    expect(reloaded.state('d')).toEqual(before.find((unit) => unit.unitId === 'd'));
    expect((await reloaded.append({ type: 'planned', unitId: 'g' })).seq).toBe(18);
  });

  it('a temp file left by a crash during compaction is ignored and removed; the journal is intact', async () => {
    await fill(await journalAt());
    await open.pop()?.close();
    const whole = await readFile(path, 'utf8');
    const temp = `${path}.4242.lost.tmp`;
    await writeFile(temp, '{"seq":1,"at":"x","type":"snaps');

    const journal = await journalAt();
    expect(journal.counts()).toEqual({ pending: 1, 'in-flight': 1, uncertain: 1, failed: 1, done: 1 });
    expect(await readFile(path, 'utf8')).toBe(whole);
    expect(await readdir(join(dir, 'models', 'andie'))).toEqual(['progress.jsonl']);
  });

  it('refuses appends after close with a StorageError', async () => {
    const journal = await journalAt();
    await journal.close();
    await expect(journal.append({ type: 'planned', unitId: 'a' })).rejects.toThrow(StorageError);
  });

  it.runIf(existsSync('/dev/full'))(
    'a failed write is a StorageError, and the journal refuses further appends',
    async () => {
      const full = join(dir, 'full.jsonl');
      await symlink('/dev/full', full);
      const journal = await openJournal(full);
      const failed = journal.append({ type: 'planned', unitId: 'a' });
      await expect(failed).rejects.toThrow(StorageError);
      await expect(failed).rejects.toThrow(/a write failed, so what reached the disk is unknown.*\(ENOSPC\)/);
      await expect(failed).rejects.toMatchObject({ operation: 'append', backendCode: 'ENOSPC', key: full });
      await expect(journal.append({ type: 'planned', unitId: 'b' })).rejects.toThrow(/open it again/);
      // Closing still closes the file, and reports the failure again.
      await expect(journal.close()).rejects.toMatchObject({ backendCode: 'ENOSPC' });
    },
  );

  it.runIf(existsSync('/dev/full'))(
    'close reports a failed write of deferred records instead of losing them silently',
    async () => {
      const full = join(dir, 'full-deferred.jsonl');
      await symlink('/dev/full', full);
      const journal = await openJournal(full);
      // Resolves at once; written by the timer, which fails with nobody waiting.
      await journal.append({ type: 'planned', unitId: 'a' }, { durability: 'deferred' });
      await new Promise((resolve) => setTimeout(resolve, deferredWriteMs + 100));
      await expect(journal.close()).rejects.toMatchObject({ operation: 'append', backendCode: 'ENOSPC' });
      await journal.close(); // Closed once; a second close does nothing.
    },
  );

  it('a journal path that cannot be a file is a StorageError', async () => {
    await writeFile(join(dir, 'blocker'), 'not a directory');
    await expect(openJournal(join(dir, 'blocker', 'progress.jsonl'))).rejects.toThrow(StorageError);
  });
});
