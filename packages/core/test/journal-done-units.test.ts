import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '@model-studio/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openJournal, type ProgressJournal } from '../src/journal/index.js';
import { openLedger } from '../src/ledger/index.js';

// A done unit is kept in memory as its snapshot line (see PackedUnits in progress-journal.ts): these tests pin that
// it reads back exactly as the objects it replaced, takes later events, and is what compaction writes and reloads.

let dir: string;
let path: string;
const open: ProgressJournal[] = [];

async function journalAt(options: Parameters<typeof openJournal>[1] = {}) {
  const journal = await openJournal(path, { fsync: false, ...options });
  open.push(journal);
  return journal;
}

/** A swap stage run to the end, as the run loop records it. */
async function runStage(journal: ProgressJournal, unitId: string, jobId: string) {
  await journal.append({ type: 'planned', unitId, ops: ['swap'] });
  await journal.append({ type: 'passed', unitId, op: 'consent', detail: 'sfw, swap' });
  await journal.append({ type: 'submitting', unitId, op: 'swap' });
  await journal.append({ type: 'submitted', unitId, op: 'swap', jobId, provider: 'maxstudio' });
  const outputKeys = [`models/andie/results/sfw/source_1/swapped/${unitId.replaceAll(':', '-')}.jpg`];
  await journal.append({ type: 'completed', unitId, op: 'swap', outputKeys, charge: { amount: 10, unit: 'credits' } });
  await journal.append({ type: 'completed', unitId, outputKeys });
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'journal-done-'));
  path = join(dir, 'progress.jsonl');
});

afterEach(async () => {
  for (const journal of open.splice(0)) await journal.close().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

describe('done units in the journal', () => {
  it('read back as they were recorded, through every query, before and after a compaction and a reopen', async () => {
    const journal = await journalAt();
    await runStage(journal, 'andie:s1:t001:sfw:swapped', 'job-1');
    await journal.append({ type: 'planned', unitId: 'andie:s1:t002:sfw:swapped', ops: ['swap'] });
    await journal.append({ type: 'submitting', unitId: 'andie:s1:t002:sfw:swapped', op: 'swap' });
    const done = structuredClone(journal.state('andie:s1:t001:sfw:swapped'));
    expect(done).toMatchObject({
      status: 'done',
      ops: {
        swap: { op: 'swap', status: 'completed', attempt: 1, jobId: 'job-1', charge: { amount: 10, unit: 'credits' } },
        consent: { op: 'consent', status: 'passed' },
      },
    });
    expect(journal.counts()).toMatchObject({ done: 1, 'in-flight': 1 });
    expect(journal.done().map((unit) => unit.unitId)).toEqual(['andie:s1:t001:sfw:swapped']);
    expect(journal.unitIds()).toEqual(['andie:s1:t001:sfw:swapped', 'andie:s1:t002:sfw:swapped']);
    expect(journal.units().map((unit) => unit.status)).toEqual(['done', 'in-flight']);
    expect(journal.units({ done: false }).map((unit) => unit.unitId)).toEqual(['andie:s1:t002:sfw:swapped']);

    await journal.compact();
    expect(journal.state('andie:s1:t001:sfw:swapped')).toEqual(done);
    await journal.close();
    const reopened = await journalAt();
    expect(reopened.state('andie:s1:t001:sfw:swapped')).toEqual(done);
    expect(reopened.counts()).toMatchObject({ done: 1, uncertain: 1 });
    // The seq counter goes on from the last event.
    const next = await reopened.append({ type: 'planned', unitId: 'andie:s1:t003:sfw:swapped', ops: ['swap'] });
    expect(next.seq).toBe(9);
  });

  it('take later events (a check passed on a done unit) and still refuse paying again', async () => {
    const journal = await journalAt();
    await runStage(journal, 'andie:s1:t001:sfw:swapped', 'job-1');
    await journal.append({ type: 'passed', unitId: 'andie:s1:t001:sfw:swapped', op: 'verify', detail: '1 face' });
    expect(journal.state('andie:s1:t001:sfw:swapped')?.ops.verify).toMatchObject({ status: 'passed' });
    expect(journal.state('andie:s1:t001:sfw:swapped')?.status).toBe('done');
    await expect(
      journal.append({ type: 'submitting', unitId: 'andie:s1:t001:sfw:swapped', op: 'swap' }),
    ).rejects.toThrow(ValidationError);
    await expect(
      journal.append({ type: 'submitting', unitId: 'andie:s1:t001:sfw:swapped', op: 'swap' }),
    ).rejects.toThrow(/already done/);
    await journal.compact();
    await journal.close();
    const reopened = await journalAt();
    expect(reopened.state('andie:s1:t001:sfw:swapped')?.ops.verify).toMatchObject({ status: 'passed' });
  });

  it('compaction writes one snapshot line per unit, in the order of their last events', async () => {
    const journal = await journalAt();
    await runStage(journal, 'andie:s1:t002:sfw:swapped', 'job-2');
    await journal.append({ type: 'planned', unitId: 'andie:s1:t001:sfw:swapped', ops: ['swap'] });
    await runStage(journal, 'andie:s1:t003:sfw:swapped', 'job-3');
    await journal.compact();
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    expect(lines.map((line) => JSON.parse(line).unitId)).toEqual([
      'andie:s1:t002:sfw:swapped',
      'andie:s1:t001:sfw:swapped',
      'andie:s1:t003:sfw:swapped',
    ]);
    expect(lines.every((line) => JSON.parse(line).type === 'snapshot')).toBe(true);
  });
});

describe('ledger lookups without per-charge keys', () => {
  it('knows an actual charge by item, op and job id, lists open reservations, and records a duplicate once', async () => {
    const ledger = await openLedger(join(dir, 'costs.jsonl'), { fsync: false });
    const base = {
      model: 'andie',
      op: 'swap',
      provider: 'maxstudio',
      amount: 10,
      unitOfAccount: 'credits',
      source: 'price-table' as const,
    };
    await ledger.record({ ...base, itemId: 'a', kind: 'reserved' });
    await ledger.record({ ...base, itemId: 'b', kind: 'reserved' });
    expect(ledger.openReservations().map((entry) => entry.itemId)).toEqual(['a', 'b']);
    await ledger.record({ ...base, itemId: 'a', kind: 'actual', jobId: 'job-a' });
    expect(ledger.openReservations().map((entry) => entry.itemId)).toEqual(['b']);
    expect(ledger.hasActual('a', 'swap', 'job-a')).toBe(true);
    expect(ledger.hasActual('a', 'swap', 'job-b')).toBe(false);
    expect(ledger.hasActual('a', 'swap')).toBe(false);
    const again = await ledger.record({ ...base, itemId: 'a', kind: 'actual', jobId: 'job-a' });
    expect(again.recorded).toBe(false);
    await ledger.record({ ...base, itemId: 'b', kind: 'actual' });
    expect(ledger.hasActual('b', 'swap')).toBe(true);
    expect((await ledger.record({ ...base, itemId: 'b', kind: 'actual' })).recorded).toBe(false);
    expect(ledger.totals('credits')).toMatchObject({ actual: 20, reserved: 0 });
    await ledger.close();
  });
});

describe('planned units in the journal', () => {
  it('are packed until they start, and read back as pending through every query, a compaction and a reopen', async () => {
    const journal = await journalAt();
    const ids = Array.from({ length: 3 }, (_, n) => `andie:s1:t00${n + 1}:sfw:swapped`);
    for (const unitId of ids) await journal.append({ type: 'planned', unitId, ops: ['swap'] });
    expect(journal.counts()).toMatchObject({ pending: 3, done: 0, 'in-flight': 0 });
    expect(journal.pending().map((unit) => unit.unitId)).toEqual(ids);
    expect(journal.units({ done: false }).map((unit) => unit.unitId)).toEqual(ids);
    expect(journal.isDone(ids[0]!)).toBe(false);
    expect(journal.state(ids[0]!)).toMatchObject({
      status: 'pending',
      ops: { swap: { op: 'swap', status: 'planned', attempt: 0 } },
    });
    // A packed planned unit takes its next events as an unpacked one would.
    await runStage(journal, ids[1]!, 'job-2');
    await journal.append({ type: 'submitting', unitId: ids[2]!, op: 'swap' });
    expect(journal.counts()).toMatchObject({ pending: 1, done: 1, 'in-flight': 1 });
    expect(journal.pending().map((unit) => unit.unitId)).toEqual([ids[0]]);
    await journal.compact();
    await journal.close();
    const reopened = await journalAt();
    expect(reopened.state(ids[0]!)).toMatchObject({ status: 'pending', ops: { swap: { status: 'planned' } } });
    expect(reopened.counts()).toMatchObject({ pending: 1, done: 1, uncertain: 1 });
  });

  it('are packed again when a journal as appended is reopened (a resume holds no objects for them)', async () => {
    const journal = await journalAt({ autoCompact: false });
    const ids = Array.from({ length: 4 }, (_, n) => `andie:s1:t00${n + 1}:sfw:swapped`);
    await journal.appendMany(ids.map((unitId) => ({ type: 'planned', unitId, ops: ['swap'] })));
    await runStage(journal, ids[1]!, 'job-2');
    await journal.append({ type: 'submitting', unitId: ids[2]!, op: 'swap' });
    await journal.close();
    const reopened = await journalAt({ autoCompact: false });
    // Internal: where each unit's state is kept (the two planned ones and the done one packed, the interrupted one not).
    const table = (reopened as unknown as { byId: { packedCounts(): { done: number; planned: number } } }).byId;
    expect(table.packedCounts()).toEqual({ done: 1, planned: 2 });
    expect(reopened.notStarted(ids[0]!)).toBe(true);
    expect(reopened.notStarted(ids[2]!)).toBe(false);
    expect(reopened.pending().map((unit) => unit.unitId)).toEqual([ids[0], ids[3]]);
    expect(reopened.counts()).toMatchObject({ pending: 2, done: 1, uncertain: 1 });
    // A planned unit packed on reopen takes its next events as before.
    await runStage(reopened, ids[0]!, 'job-1');
    expect(reopened.isDone(ids[0]!)).toBe(true);
    expect(table.packedCounts()).toEqual({ done: 2, planned: 1 });
    await reopened.close();
  });
});
