import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openJournal } from '../src/journal/index.js';
import { openLedger } from '../src/ledger/index.js';
import { LOST_SUBMITTING_REASON, openRunRecorder } from '../src/orchestrator/open-run-recorder.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'run-recorder-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

const stage = 'andie:s1:t001:sfw:swapped';
const charge = { stageId: stage, op: 'swap', provider: 'maxstudio', amount: 10, unit: 'credits', rating: 'sfw' };

describe('the orchestrator run recorder over journal and ledger', () => {
  it('a stage whose op completed is done even if the process died before the unit-level event', async () => {
    const dir = await tempDir();
    const journal = await openJournal(join(dir, 'progress.jsonl'));
    await journal.append({ type: 'planned', unitId: stage, ops: ['swap'] });
    await journal.append({ type: 'submitting', unitId: stage, op: 'swap' });
    await journal.append({ type: 'submitted', unitId: stage, op: 'swap', jobId: 'job-1', provider: 'maxstudio' });
    await journal.append({ type: 'completed', unitId: stage, op: 'swap', outputKeys: ['k.jpg'] });
    await journal.close();
    const recorder = await openRunRecorder({ dir, model: 'andie' });
    expect(recorder.state(stage)).toEqual({ status: 'done', outputKeys: ['k.jpg'] });
    expect(recorder.plannedStages()).toEqual([stage]);
    await recorder.close();
    // Opening also finished the record: the journal itself now shows the stage done.
    const reread = await openJournal(join(dir, 'progress.jsonl'));
    expect(reread.done().map((unit) => unit.unitId)).toEqual([stage]);
    await reread.close();
  });

  it('reports a recorded job id as in flight, and an interrupted submission as uncertain with its charge', async () => {
    const dir = await tempDir();
    const recorder = await openRunRecorder({ dir, model: 'andie' });
    const other = 'andie:s1:t002:sfw:swapped';
    await recorder.planned([
      { stageId: stage, op: 'swap' },
      { stageId: other, op: 'swap' },
    ]);
    await recorder.reserve(charge);
    await recorder.submitting(stage, 'swap');
    await recorder.submitted(stage, 'swap', 'job-1', 'maxstudio');
    await recorder.reserve({ ...charge, stageId: other });
    await recorder.submitting(other, 'swap');
    await recorder.close(); // the process "dies" here: `other` has no job id

    const reopened = await openRunRecorder({ dir, model: 'andie' });
    expect(reopened.state(stage)).toEqual({ status: 'in-flight', jobId: 'job-1', provider: 'maxstudio', op: 'swap' });
    expect(reopened.state(other)).toEqual({ status: 'uncertain', op: 'swap' });
    await reopened.close();
    const ledger = await openLedger(join(dir, 'costs.jsonl'));
    // The interrupted submission's reservation became an uncertain charge; the reattachable one stays reserved.
    expect(ledger.totals('credits')).toMatchObject({ reserved: 10, uncertain: 10, actual: 0 });
    await ledger.close();
  });

  it('puts the reservation on disk before a request is sent; `submitting` shares the write of `submitted`', async () => {
    const dir = await tempDir();
    const recorder = await openRunRecorder({ dir, model: 'andie' });
    await recorder.planned([{ stageId: stage, op: 'swap' }]);
    const lines = async (file: string) =>
      (await readFile(join(dir, file), 'utf8'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { type?: string; kind?: string });
    await recorder.beginSubmission(charge);
    // What a crash right now would leave: the reservation, and no `submitting` event.
    expect((await lines('costs.jsonl')).map((entry) => entry.kind)).toEqual(['reserved']);
    expect((await lines('progress.jsonl')).map((event) => event.type)).toEqual(['planned']);
    await recorder.submitted(stage, 'swap', 'job-1', 'maxstudio');
    expect((await lines('progress.jsonl')).map((event) => event.type)).toEqual(['planned', 'submitting', 'submitted']);
    // The journal still refuses a second submission while one is in flight, before anything could be sent.
    await expect(recorder.beginSubmission(charge)).rejects.toThrow(/already in flight as job job-1/);
    await recorder.close();
  });

  it('numbers the reservation of a retry with the attempt it starts, like the journal', async () => {
    const dir = await tempDir();
    const recorder = await openRunRecorder({ dir, model: 'andie' });
    await recorder.planned([{ stageId: stage, op: 'swap' }]);
    await recorder.beginSubmission(charge);
    await recorder.release(charge); // refused before acceptance
    await recorder.failed(stage, 'swap', { code: 'rate-limit', message: '429', retryable: true });
    await recorder.beginSubmission(charge);
    await recorder.submitted(stage, 'swap', 'job-2', 'maxstudio');
    await recorder.actual({ ...charge, jobId: 'job-2' });
    await recorder.close();
    const ledger = (await readFile(join(dir, 'costs.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { kind: string; attempt: number });
    expect(ledger.map(({ kind, attempt }) => `${kind} ${attempt}`)).toEqual([
      'reserved 1',
      'release 1',
      'reserved 2',
      'actual 2',
    ]);
    const journal = await openJournal(join(dir, 'progress.jsonl'));
    expect(journal.state(stage)?.ops.swap?.attempt).toBe(2);
    await journal.close();
  });

  it('an open reservation without a `submitting` event on disk (lost in a crash) is an uncertain submission', async () => {
    const dir = await tempDir();
    const other = 'andie:s1:t002:sfw:swapped';
    // On disk as a crash after the reservations left them: `stage` was never tried before; `other` failed once
    // (released) and was being tried again.
    const journal = await openJournal(join(dir, 'progress.jsonl'));
    await journal.append({ type: 'planned', unitId: stage, ops: ['swap'] });
    await journal.append({ type: 'planned', unitId: other, ops: ['swap'] });
    await journal.append({ type: 'submitting', unitId: other, op: 'swap' });
    await journal.append({
      type: 'failed',
      unitId: other,
      op: 'swap',
      code: 'rate-limit',
      message: '429',
      retryable: true,
    });
    await journal.close();
    const ledger = await openLedger(join(dir, 'costs.jsonl'));
    const entry = { model: 'andie', op: 'swap', provider: 'maxstudio', amount: 10, unitOfAccount: 'credits' } as const;
    const reserved = { ...entry, source: 'price-table', kind: 'reserved' } as const;
    await ledger.record({ ...reserved, itemId: stage, attempt: 1 });
    await ledger.record({ ...reserved, itemId: other, attempt: 1 });
    await ledger.record({ ...reserved, itemId: other, attempt: 1, kind: 'release' });
    await ledger.record({ ...reserved, itemId: other, attempt: 2 });
    await ledger.close();

    const reopened = await openRunRecorder({ dir, model: 'andie' });
    expect(reopened.state(stage)).toEqual({ status: 'uncertain', op: 'swap' });
    expect(reopened.state(other)).toEqual({ status: 'uncertain', op: 'swap' });
    await reopened.close();
    const after = await openLedger(join(dir, 'costs.jsonl'));
    expect(after.totals('credits')).toMatchObject({ reserved: 0, uncertain: 20, actual: 0 });
    await after.close();
    const reread = await openJournal(join(dir, 'progress.jsonl'));
    expect(reread.uncertain().map(({ unitId, attempt, reason }) => ({ unitId, attempt, reason }))).toEqual([
      { unitId: stage, attempt: 1, reason: LOST_SUBMITTING_REASON },
      { unitId: other, attempt: 2, reason: LOST_SUBMITTING_REASON },
    ]);
    await reread.close();
    // Opening again changes nothing more.
    await (await openRunRecorder({ dir, model: 'andie' })).close();
    const again = await openLedger(join(dir, 'costs.jsonl'));
    expect(again.totals('credits')).toMatchObject({ reserved: 0, uncertain: 20 });
    await again.close();
  });

  it('records the actual charge of a completed op whose deferred ledger entry a crash lost, as reported', async () => {
    const dir = await tempDir();
    const recorder = await openRunRecorder({ dir, model: 'andie' });
    await recorder.planned([{ stageId: stage, op: 'swap' }]);
    await recorder.beginSubmission(charge);
    await recorder.submitted(stage, 'swap', 'job-1', 'maxstudio');
    // The journal got its `completed`, the ledger never got the deferred `actual` (the process died first).
    // The provider reported 7 credits (the reservation used the model's price table: 10).
    await recorder.completed(stage, 'swap', ['k.jpg'], { amount: 7, unit: 'credits' });
    await recorder.close();
    const ledgerPath = join(dir, 'costs.jsonl');
    const before = await openLedger(ledgerPath);
    expect(before.totals('credits')).toMatchObject({ reserved: 10, actual: 0 });
    await before.close();

    const reopened = await openRunRecorder({ dir, model: 'andie' });
    expect(reopened.state(stage)).toEqual({ status: 'done', outputKeys: ['k.jpg'] });
    await reopened.close();
    const after = await openLedger(ledgerPath);
    expect(after.totals('credits')).toMatchObject({ reserved: 0, actual: 7 });
    expect(after.hasActual(stage, 'swap', 'job-1')).toBe(true);
    await after.close();
    // Opening again changes nothing more.
    await (await openRunRecorder({ dir, model: 'andie' })).close();
    const again = await openLedger(ledgerPath);
    expect(again.totals('credits')).toMatchObject({ reserved: 0, actual: 7 });
    await again.close();
  });

  it('a run budget is an allowance on top of what the ledger already holds', async () => {
    const dir = await tempDir();
    const recorder = await openRunRecorder({ dir, model: 'andie' });
    await recorder.actual({ ...charge, jobId: 'old-job' });
    recorder.setBudget({ limit: 15 });
    await recorder.reserve({ ...charge, stageId: 'andie:s1:t002:sfw:swapped' });
    const refused = await recorder
      .reserve({ ...charge, stageId: 'andie:s1:t003:sfw:swapped' })
      .catch((error: unknown) => error);
    expect((refused as { code?: string }).code).toBe('budget-exceeded');
    expect((refused as Error).message).toMatch(/5 credits left/);
    await recorder.close();
  });
});
