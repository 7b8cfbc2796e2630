import { watch } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors/index.js';
import {
  autoCompactMinLines,
  autoCompactRatio,
  type CorruptLine,
  INTERRUPTED_SUBMISSION_REASON,
  openJournal,
  type ProgressJournal,
} from '../src/journal/index.js';
import type { JournalEvent } from '../src/journal/journal-event.js';
import { applyJournalEvent, type MutableUnitState, snapshotLineOf, unpackUnit } from '../src/journal/journal-state.js';
import { sealSnapshotLine } from '../src/journal/sealed-snapshot.js';

// While a run appends, the journal compacts itself in the background (see FileProgressJournal.compactIfWorth), so a
// crash leaves a snapshot per unit and the events since, not every event of the run. The snapshot is read while it is
// written: events appended meanwhile may be in it and are also written after it. These tests pin that reading such a
// file gives the state the journal had, and that its snapshot lines are sealed with a checksum.

let dir: string;
let path: string;
const open: ProgressJournal[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'journal-compact-running-'));
  path = join(dir, 'progress.jsonl');
});
afterEach(async () => {
  for (const journal of open.splice(0)) await journal.close().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

async function journalAt(options: Parameters<typeof openJournal>[1] = {}) {
  const journal = await openJournal(path, { fsync: false, ...options });
  open.push(journal);
  return journal;
}

const unitIdOf = (k: number) => `m:s1:t${String(k).padStart(6, '0')}:sfw:enhanced`;
const linesOnDisk = async () => (await readFile(path, 'utf8')).split('\n').filter((text) => text !== '');

/** A unit's stages as the run loop appends them, several units at a time (their events interleave). */
async function runUnit(journal: ProgressJournal, k: number): Promise<void> {
  const unitId = unitIdOf(k);
  for (const op of ['swap', 'enhance']) {
    await journal.append({ type: 'submitting', unitId, op });
    await journal.append({ type: 'submitted', unitId, op, jobId: `job-${op}-${k}`, provider: 'maxstudio' });
    await journal.append({ type: 'completed', unitId, op, outputKeys: [`out/${op}-${k}.jpg`] });
  }
  // Every 7th unit fails its check instead of finishing, every 11th is left in flight: the snapshot then holds units
  // of every kind (done, planned, failed, in flight).
  if (k % 7 === 0) {
    await journal.append({ type: 'failed', unitId, op: 'verify', code: 'IDENTITY', message: 'no', retryable: false });
  } else if (k % 11 === 0) {
    await journal.append({ type: 'submitting', unitId, op: 'upscale' });
    await journal.append({ type: 'submitted', unitId, op: 'upscale', jobId: `job-up-${k}`, provider: 'maxstudio' });
  } else {
    await journal.append({ type: 'completed', unitId, outputKeys: [`out/${k}.jpg`] });
  }
}

describe('journal compaction while a run appends', () => {
  it('stays within the ratio of lines per unit, and a crash leaves what reloads to the same state', async () => {
    const units = Math.ceil(autoCompactMinLines / 6);
    const journal = await journalAt();
    for (let start = 0; start < units; start += 1000) {
      await journal.appendMany(
        Array.from({ length: Math.min(1000, units - start) }, (_, i) => ({
          type: 'planned' as const,
          unitId: unitIdOf(start + i),
          ops: ['swap', 'enhance'],
        })),
      );
    }
    let appended = units;
    let mostLines = 0;
    // 32 units at a time, as a run with concurrency 32 interleaves them.
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < units) {
          const k = next++;
          await runUnit(journal, k);
          appended += k % 7 === 0 ? 7 : 8;
          if (k % 2000 === 0) mostLines = Math.max(mostLines, (await linesOnDisk()).length);
        }
      }),
    );
    await journal.flush();
    const expected = structuredClone(journal.units());
    const counts = journal.counts();
    expect(counts.done).toBeGreaterThan(0);
    expect(counts.failed).toBeGreaterThan(0);
    expect(counts['in-flight']).toBeGreaterThan(0);

    // It compacted along the way: far fewer lines than events, never many more than the ratio allows (plus the
    // events queued while a compaction is written).
    const lines = await linesOnDisk();
    expect(lines.length).toBeLessThan(appended / 2);
    expect(mostLines).toBeGreaterThan(0);
    expect(mostLines).toBeLessThanOrEqual(Math.max(autoCompactMinLines, autoCompactRatio * units) + 5_000);
    expect(lines.filter((text) => text.includes('"type":"snapshot"')).length).toBeGreaterThanOrEqual(units);

    // A crash: the journal is never closed; another process reads the file.
    const reread = await openJournal(path, { fsync: false, autoCompact: false });
    expect(reread.units()).toEqual(expected);
    expect(reread.counts()).toEqual(counts);
    expect(reread.inFlight()).toEqual(journal.inFlight());
    const seq = (await journal.append({ type: 'planned', unitId: 'm:s2:t000001:sfw:enhanced' })).seq;
    expect((await reread.append({ type: 'planned', unitId: 'm:s2:t000001:sfw:enhanced' })).seq).toBe(seq);
    await reread.close();
  }, 120_000);

  it('goes on appending when a compaction cannot be written, and leaves no temp file', async () => {
    const units = Math.ceil(autoCompactMinLines / 8);
    const journal = await journalAt();
    // The rename over the journal fails: its path is now a folder that is not empty (the open handle still appends
    // to the file it had).
    await rm(path);
    await mkdir(join(path, 'blocked'), { recursive: true });
    const created: string[] = [];
    const watcher = watch(dir, (_, name) => {
      if (name) created.push(name);
    });
    for (let k = 0; k < units; k++) {
      const unitId = unitIdOf(k);
      await journal.appendMany([
        { type: 'planned', unitId, ops: ['swap'] },
        { type: 'submitting', unitId, op: 'swap' },
        { type: 'submitted', unitId, op: 'swap', jobId: `job-${k}`, provider: 'maxstudio' },
        { type: 'completed', unitId, op: 'swap', outputKeys: [`out/${k}.jpg`] },
        { type: 'passed', unitId, op: 'verify' },
        { type: 'passed', unitId, op: 'target-check' },
        { type: 'passed', unitId, op: 'consent' },
        { type: 'completed', unitId, outputKeys: [`out/${k}.jpg`] },
      ]);
    }
    await journal.flush();
    await expect(journal.append({ type: 'planned', unitId: 'm:s2:t000001:sfw:enhanced' })).resolves.toMatchObject({
      seq: 8 * units + 1,
    });
    expect(journal.counts().done).toBe(units);
    await new Promise((resolve) => setTimeout(resolve, 100));
    watcher.close();
    // A compaction was tried (its temp file was made), failed at the rename, and was cleaned up.
    expect(created.some((name) => name.endsWith('.tmp'))).toBe(true);
    expect((await readdir(dir)).sort()).toEqual(['progress.jsonl']);
  }, 60_000);
});

/** Events of one unit through every kind of step: retries, an uncertain submission approved again, charges. */
function unitHistory(unitId: string): JournalEvent[] {
  const steps: Array<Record<string, unknown>> = [
    { type: 'planned', ops: ['swap', 'enhance'] },
    { type: 'passed', op: 'consent', detail: 'sfw, swap' },
    { type: 'submitting', op: 'swap', attempt: 1 },
    { type: 'submitted', op: 'swap', jobId: 'j1', provider: 'maxstudio' },
    { type: 'failed', op: 'swap', code: 'PROVIDER', message: '5xx', retryable: true },
    { type: 'submitting', op: 'swap', attempt: 2 },
    { type: 'uncertain', op: 'swap', reason: 'dropped' },
    { type: 'resubmit-approved', op: 'swap' },
    { type: 'submitting', op: 'swap', attempt: 3 },
    { type: 'submitted', op: 'swap', jobId: 'j3', provider: 'maxstudio' },
    { type: 'completed', op: 'swap', outputKeys: ['a.jpg'], charge: { amount: 10, unit: 'credits' } },
    { type: 'submitting', op: 'enhance', attempt: 1 },
    { type: 'submitted', op: 'enhance', jobId: 'j4', provider: 'maxstudio' },
    { type: 'completed', op: 'enhance', outputKeys: ['b.jpg'], imported: { from: 'prototype' } },
    { type: 'passed', op: 'verify' },
    { type: 'completed', outputKeys: ['b.jpg'] },
  ];
  return steps.map(
    (step, i) =>
      ({ seq: i + 1, at: `2026-12-07T10:00:${String(i).padStart(2, '0')}.000Z`, unitId, ...step }) as JournalEvent,
  );
}

function fold(events: readonly JournalEvent[], start?: MutableUnitState): MutableUnitState {
  const units = new Map<string, MutableUnitState>();
  if (start) units.set(start.unitId, start);
  for (const event of events) applyJournalEvent(units, event);
  return units.values().next().value!;
}

describe('compaction of long and non-ASCII lines', () => {
  it('writes lines longer than its megabyte buffer, and multi-byte text, as they were', async () => {
    const journal = await journalAt();
    // 400,000 characters of two bytes each: a line longer than the buffer lines are encoded into.
    const message = `échec ${'é'.repeat(400_000)} 🙂`;
    for (let k = 0; k < 3000; k++) {
      const unitId = unitIdOf(k);
      await journal.append({ type: 'planned', unitId, ops: ['swap'] });
      await journal.append({ type: 'submitting', unitId, op: 'swap' });
      if (k === 1500) {
        await journal.append({ type: 'failed', unitId, op: 'swap', code: 'X', message, retryable: false });
        continue;
      }
      await journal.append({ type: 'submitted', unitId, op: 'swap', jobId: `job-ü-${k}`, provider: 'maxstudio' });
      await journal.append({ type: 'completed', unitId, op: 'swap', outputKeys: [`out/Zoë-${k}.jpg`] });
      await journal.append({ type: 'completed', unitId, outputKeys: [`out/Zoë-${k}.jpg`] });
    }
    const before = structuredClone(journal.units());
    await journal.compact();
    const lines = await linesOnDisk();
    expect(lines).toHaveLength(3000);
    expect(lines[1500]!.length).toBeGreaterThan(400_000);
    const reread = await openJournal(path, { fsync: false, autoCompact: false });
    expect(reread.units()).toEqual(before);
    expect(reread.state(unitIdOf(1500))!.ops.swap!.error!.message).toBe(message);
    await reread.close();
  });
});

describe("a unit's snapshot followed by events it already holds", () => {
  it('loads to the state of all its events, wherever the snapshot was taken and the replay starts', () => {
    const events = unitHistory('m:s1:t000001:sfw:enhanced');
    const whole = fold(events);
    // Snapshot after event j (what the compaction read), then events k+1.. (those queued behind it), for k <= j.
    for (let j = 1; j <= events.length; j++) {
      for (let k = 0; k <= j; k++) {
        const snapshot = unpackUnit(snapshotLineOf(fold(events.slice(0, j))));
        const loaded = fold(events.slice(k), snapshot);
        expect(loaded, `snapshot after ${j} events, replay from ${k + 1}`).toEqual(whole);
      }
    }
  });
});

describe('sealed snapshot lines', () => {
  async function compactedJournal(): Promise<string[]> {
    const journal = await openJournal(path, { fsync: false });
    for (let k = 1; k <= 3; k++) {
      const unitId = unitIdOf(k);
      await journal.append({ type: 'planned', unitId, ops: ['swap'] });
      if (k === 3) continue;
      await journal.append({ type: 'submitting', unitId, op: 'swap' });
      await journal.append({ type: 'submitted', unitId, op: 'swap', jobId: `job-${k}`, provider: 'maxstudio' });
      await journal.append({ type: 'completed', unitId, op: 'swap', outputKeys: [`out/${k}.jpg`] });
      await journal.append({ type: 'completed', unitId, outputKeys: [`out/${k}.jpg`] });
    }
    await journal.compact();
    await journal.close();
    return linesOnDisk();
  }

  it('carry a checksum that older readers ignore, and load to the same states', async () => {
    const lines = await compactedJournal();
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).toMatch(/^\{"crc":"[0-9a-f]{8}","seq":\d+,/);
    expect(JSON.parse(lines[0]!)).toMatchObject({ type: 'snapshot', unitId: unitIdOf(1), state: { status: 'done' } });
    const journal = await journalAt();
    expect(journal.state(unitIdOf(1))).toMatchObject({ status: 'done', ops: { swap: { jobId: 'job-1' } } });
    expect(journal.notStarted(unitIdOf(3))).toBe(true);
    expect(journal.counts()).toMatchObject({ done: 2, pending: 1 });
  });

  it('report a line changed after it was written as corrupt, naming the checksum, and skip it when asked', async () => {
    const lines = await compactedJournal();
    // Same length, still valid JSON: only the checksum sees it.
    lines[1] = lines[1]!.replace('job-2', 'job-9');
    expect(() => JSON.parse(lines[1]!)).not.toThrow();
    await rm(path);
    await writeFile(path, `${lines.join('\n')}\n`);
    const error = await openJournal(path, { fsync: false }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/line 2 is not a valid record \(its checksum \("crc"\) does not match/);
    const corrupt: CorruptLine[] = [];
    const journal = await journalAt({ onCorruptLine: (info) => corrupt.push(info) });
    expect(corrupt.map((info) => info.line)).toEqual([2]);
    expect(journal.has(unitIdOf(2))).toBe(false);
    expect(journal.isDone(unitIdOf(1))).toBe(true);
  });

  it('load by parsing when a sealed line is not laid out as expected (an id with an escape)', async () => {
    const unitId = 'm:s1:t"odd\\id';
    const journal = await openJournal(path, { fsync: false });
    await journal.append({ type: 'planned', unitId, ops: ['swap'] });
    await journal.append({ type: 'submitting', unitId, op: 'swap' });
    await journal.append({ type: 'submitted', unitId, op: 'swap', jobId: 'job-odd', provider: 'maxstudio' });
    await journal.append({ type: 'completed', unitId, op: 'swap', outputKeys: ['out/odd.jpg'] });
    await journal.append({ type: 'completed', unitId, outputKeys: ['out/odd.jpg'] });
    await journal.compact();
    await journal.close();
    expect((await linesOnDisk())[0]).toMatch(/^\{"crc":"[0-9a-f]{8}",/);
    const reread = await journalAt();
    expect(reread.state(unitId)).toMatchObject({ unitId, status: 'done', ops: { swap: { jobId: 'job-odd' } } });
  });

  it('seal only units kept packed: a unit in flight, part done, or done with an op left submitting is parsed', async () => {
    const journal = await openJournal(path, { fsync: false });
    const [done, inFlight, partDone, doneSubmitting, planned] = [1, 2, 3, 4, 5].map(unitIdOf) as [
      string,
      string,
      string,
      string,
      string,
    ];
    for (const unitId of [done, inFlight, partDone, doneSubmitting, planned]) {
      await journal.append({ type: 'planned', unitId, ops: ['swap', 'enhance'] });
    }
    for (const unitId of [done, inFlight, partDone]) {
      await journal.append({ type: 'submitting', unitId, op: 'swap' });
      await journal.append({ type: 'submitted', unitId, op: 'swap', jobId: `job-${unitId}`, provider: 'maxstudio' });
    }
    for (const unitId of [done, partDone]) {
      await journal.append({ type: 'completed', unitId, op: 'swap', outputKeys: [`out/${unitId}.jpg`] });
    }
    await journal.append({ type: 'completed', unitId: done, outputKeys: ['out/done.jpg'] });
    // Done while an op was still being sent (only a hand-written event does that): the op may have been charged.
    await journal.append({ type: 'submitting', unitId: doneSubmitting, op: 'enhance' });
    await journal.append({ type: 'completed', unitId: doneSubmitting, outputKeys: ['out/odd.jpg'] });
    await journal.compact();
    await journal.close();
    const sealed = (await linesOnDisk()).map((line) => [JSON.parse(line).unitId, line.startsWith('{"crc":"')]);
    expect(sealed).toEqual([
      [done, true],
      [inFlight, false],
      [partDone, false],
      [doneSubmitting, false],
      [planned, true],
    ]);
    const reread = await journalAt();
    expect(reread.counts()).toMatchObject({ done: 2, 'in-flight': 1, pending: 2 });
    expect(reread.inFlight().map((op) => op.jobId)).toEqual([`job-${inFlight}`]);
    expect(reread.notStarted(partDone)).toBe(false);
    expect(reread.state(partDone)?.ops.swap?.status).toBe('completed');
    expect(reread.notStarted(planned)).toBe(true);
    expect(reread.state(doneSubmitting)?.ops.enhance).toMatchObject({
      status: 'uncertain',
      reason: INTERRUPTED_SUBMISSION_REASON,
    });
  });

  it('parse a sealed line of a unit part done (as the build before wrote one), never taking it as only planned', async () => {
    const unitId = unitIdOf(1);
    const state: MutableUnitState = {
      unitId,
      status: 'pending',
      ops: {
        swap: {
          op: 'swap',
          status: 'completed',
          attempt: 1,
          jobId: 'job-1',
          outputKeys: ['out/1.jpg'],
          updatedAt: 'x',
        },
        enhance: { op: 'enhance', status: 'planned', attempt: 0, updatedAt: 'x' },
      },
      outputKeys: [],
      updatedAt: '2026-12-07T00:00:00.000Z',
      seq: 7,
    };
    const unsealed = snapshotLineOf(state);
    expect(unsealed.startsWith('{"seq":7,')).toBe(true);
    await writeFile(path, `${sealSnapshotLine(unsealed)}\n`);
    const journal = await journalAt();
    expect(journal.notStarted(unitId)).toBe(false);
    expect(journal.state(unitId)?.ops.swap).toMatchObject({ status: 'completed', jobId: 'job-1' });
    expect(journal.pending().map((unit) => unit.unitId)).toEqual([unitId]);
  });

  it('load by parsing once the checksum is removed (an edit on purpose), as lines of older versions do', async () => {
    const lines = await compactedJournal();
    const edited = lines.map((line, i) =>
      i === 1 ? line.replace(/^\{"crc":"[0-9a-f]{8}",/, '{').replace('job-2', 'job-9') : line,
    );
    await rm(path);
    await writeFile(path, `${edited.join('\n')}\n`);
    const journal = await journalAt();
    expect(journal.state(unitIdOf(2))).toMatchObject({ status: 'done', ops: { swap: { jobId: 'job-9' } } });
    expect(journal.counts()).toMatchObject({ done: 2, pending: 1 });
  });
});
